// Add a passkey, from the account page in the browser (a WebAuthn ceremony needs JavaScript): the
// options for the browser, then the credential it made, which the auth server checks.
import { json } from '@sveltejs/kit';
import { passkeyStepSchema } from '$lib/schemas/auth';
import { AppError } from '$lib/server/errors';
import { registerPasskey, registrationOptions } from '$lib/server/passkeys';
import { jsonFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const parsed = passkeyStepSchema.safeParse(await event.request.json().catch(() => null));
	if (!parsed.success) {
		return jsonFailure(event, new AppError('bad_request:body', { message: parsed.error.issues[0].message }));
	}
	try {
		if (parsed.data.step === 'options') return json(await registrationOptions(event));
		await registerPasskey(event, parsed.data.challengeId, parsed.data.credential);
		return json({ added: true });
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
