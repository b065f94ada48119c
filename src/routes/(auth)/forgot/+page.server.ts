import { fail } from '@sveltejs/kit';
import { resetRequestSchema } from '$lib/schemas/auth';
import { requestPasswordReset } from '$lib/server/email-links';
import { actionFailure, readForm } from '$lib/server/respond';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async (event) => {
		const form = await readForm(event);
		const email = String(form.get('email') ?? '');
		const parsed = resetRequestSchema.safeParse({ email });
		if (!parsed.success) return fail(400, { email, error: parsed.error.issues[0]?.message ?? 'Enter your email.' });
		try {
			await requestPasswordReset(event, parsed.data.email);
		} catch (cause) {
			return actionFailure(event, cause, { email });
		}
		return { email: parsed.data.email, sent: true };
	}
};
