// The second step of a password sign-in, for someone with a second factor: the code of their
// authenticator app, or a touch of their security key (./security-key), raises the session to
// aal2, which the app and the database ask for (see second_factor migration).
import { fail, redirect } from '@sveltejs/kit';
import { totpCodeSchema } from '$lib/schemas/auth';
import { safeRedirectPath } from '$lib/server/redirect';
import { actionFailure, readForm } from '$lib/server/respond';
import { completeSignIn, sessionFactors } from '$lib/server/second-factor';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	const { locals, url } = event;
	const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
	if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(redirectTo)}`);
	if (!locals.user.needsSecondFactor) redirect(303, redirectTo);
	const kinds = sessionFactors(event).map((factor) => factor.kind);
	// Someone whose factors the cookie does not show is asked for a code, as before keys.
	return {
		email: locals.user.email,
		redirectTo,
		app: kinds.includes('app') || !kinds.length,
		key: kinds.includes('key')
	};
};

export const actions: Actions = {
	default: async (event) => {
		const form = await readForm(event);
		const redirectTo = safeRedirectPath(String(form.get('redirectTo') ?? ''));
		const parsed = totpCodeSchema.safeParse(String(form.get('code') ?? ''));
		if (!parsed.success) return fail(400, { error: parsed.error.issues[0].message });
		try {
			await completeSignIn(event, parsed.data);
		} catch (cause) {
			return actionFailure(event, cause, {});
		}
		redirect(303, redirectTo);
	}
};
