// Add a security key as a second factor, from the account page in the browser (a WebAuthn
// ceremony needs JavaScript): the options for the browser, then the credential it made, which the
// auth server checks.
import { json } from '@sveltejs/kit';
import { securityKeyStepSchema } from '$lib/schemas/auth';
import { serverEnv } from '$lib/server/env';
import { AppError } from '$lib/server/errors';
import { jsonFailure } from '$lib/server/respond';
import { finishAddingKey, startAddingKey } from '$lib/server/security-keys';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	if (serverEnv().SECURITY_KEYS !== 'on') return jsonFailure(event, new AppError('auth:keys_off'));
	const parsed = securityKeyStepSchema.safeParse(await event.request.json().catch(() => null));
	if (!parsed.success) {
		return jsonFailure(event, new AppError('bad_request:body', { message: parsed.error.issues[0].message }));
	}
	try {
		if (parsed.data.step === 'options') return json(await startAddingKey(event));
		await finishAddingKey(event, parsed.data);
		return json({ added: true });
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
