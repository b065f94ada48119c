// The second step of a password sign-in, for someone with an authenticator app: its code raises
// the session to aal2, which the app and the database ask for (see second_factor migration).
import { fail, redirect } from '@sveltejs/kit';
import { totpCodeSchema } from '$lib/schemas/auth';
import { safeRedirectPath } from '$lib/server/redirect';
import { actionFailure, readForm } from '$lib/server/respond';
import { completeSignIn } from '$lib/server/second-factor';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
	if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(redirectTo)}`);
	if (!locals.user.needsSecondFactor) redirect(303, redirectTo);
	return { email: locals.user.email, redirectTo };
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
