// Sign in with a passkey, from the sign-in page in the browser: the options for a discoverable
// credential (the authenticator names the account), then the assertion, which the auth server
// checks and answers with a session, kept in the cookies like any other.
import { json } from '@sveltejs/kit';
import { passkeyStepSchema } from '$lib/schemas/auth';
import { AppError } from '$lib/server/errors';
import { signInOptions, signInWithPasskey } from '$lib/server/passkeys';
import { safeRedirectPath } from '$lib/server/redirect';
import { jsonFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const parsed = passkeyStepSchema.safeParse(await event.request.json().catch(() => null));
	if (!parsed.success) {
		return jsonFailure(event, new AppError('bad_request:body', { message: parsed.error.issues[0].message }));
	}
	const redirectTo = safeRedirectPath(event.url.searchParams.get('redirectTo'));
	try {
		if (parsed.data.step === 'options') return json(await signInOptions(event));
		const { secondFactor } = await signInWithPasskey(event, parsed.data.challengeId, parsed.data.credential);
		// Someone with an authenticator app gives its code next, as after a password.
		return json({
			redirectTo: secondFactor ? `/login/code?redirectTo=${encodeURIComponent(redirectTo)}` : redirectTo
		});
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
