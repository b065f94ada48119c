import { fail, redirect } from '@sveltejs/kit';
import { newPasswordSchema } from '$lib/schemas/auth';
import { finishPasswordReset, hasResetToken, holdResetToken } from '$lib/server/password-reset';
import { actionFailure } from '$lib/server/respond';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	// The mail's link: its token goes into a cookie, and the address bar loses it at once.
	if (event.url.search) {
		holdResetToken(event);
		redirect(303, event.url.pathname);
	}
	return { canReset: hasResetToken(event) };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData().catch(() => new FormData());
		const parsed = newPasswordSchema.safeParse({ password: form.get('password') ?? '' });
		if (!parsed.success) return fail(400, { error: parsed.error.issues[0]?.message ?? 'Choose a new password.' });
		try {
			await finishPasswordReset(event, parsed.data.password);
		} catch (cause) {
			return actionFailure(event, cause, {});
		}
		redirect(303, '/chat');
	}
};
