// The second step of a sign-in with a security key, from the code page in the browser: the options
// for a touch of any of the person's keys, then the assertion, which the auth server checks; the
// session rises to aal2 and its cookies are renewed.
import { json } from '@sveltejs/kit';
import { securityKeyStepSchema } from '$lib/schemas/auth';
import { AppError } from '$lib/server/errors';
import { safeRedirectPath } from '$lib/server/redirect';
import { jsonFailure } from '$lib/server/respond';
import { finishKeySignIn, startKeySignIn } from '$lib/server/security-keys';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	if (!event.locals.user) return jsonFailure(event, new AppError('unauthorized:session'));
	if (!event.locals.user.needsSecondFactor) return jsonFailure(event, new AppError('auth:factor_gone'));
	const parsed = securityKeyStepSchema.safeParse(await event.request.json().catch(() => null));
	if (!parsed.success) {
		return jsonFailure(event, new AppError('bad_request:body', { message: parsed.error.issues[0].message }));
	}
	try {
		if (parsed.data.step === 'options') return json(await startKeySignIn(event));
		await finishKeySignIn(event, parsed.data);
		return json({ redirectTo: safeRedirectPath(event.url.searchParams.get('redirectTo')) });
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
