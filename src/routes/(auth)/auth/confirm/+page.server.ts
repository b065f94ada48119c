import { fail, redirect } from '@sveltejs/kit';
import { newPasswordSchema } from '$lib/schemas/auth';
import {
	confirmEmail,
	confirmEmailChange,
	finishPasswordReset,
	heldLink,
	holdLinkToken
} from '$lib/server/email-links';
import { actionFailure, readForm } from '$lib/server/respond';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	// The mail's link: its token goes into a cookie, and the address bar loses it at once. (A form
	// action's own "?/name" is not a link, and its result must render.)
	const params = event.url.searchParams;
	if (params.has('token_hash') || params.has('type')) {
		holdLinkToken(event);
		redirect(303, event.url.pathname);
	}
	const held = heldLink(event);
	return { link: held?.kind ?? null, email: held?.email ?? '', newEmail: held?.newEmail ?? '' };
};

export const actions: Actions = {
	password: async (event) => {
		const form = await readForm(event);
		const parsed = newPasswordSchema.safeParse({ password: form.get('password') ?? '' });
		if (!parsed.success) return fail(400, { error: parsed.error.issues[0]?.message ?? 'Choose a new password.' });
		try {
			await finishPasswordReset(event, parsed.data.password);
		} catch (cause) {
			return actionFailure(event, cause, {});
		}
		redirect(303, '/chat');
	},
	email: async (event) => {
		try {
			await confirmEmail(event);
		} catch (cause) {
			return actionFailure(event, cause, {});
		}
		redirect(303, '/chat');
	},
	emailChange: async (event) => {
		let outcome: Awaited<ReturnType<typeof confirmEmailChange>>;
		try {
			outcome = await confirmEmailChange(event);
		} catch (cause) {
			return actionFailure(event, cause, {});
		}
		if (outcome === 'changed') redirect(303, '/account?email-changed');
		return { waiting: true };
	}
};
