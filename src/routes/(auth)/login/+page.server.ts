import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { credentialsSchema } from '$lib/schemas/auth';
import { fromAuth } from '$lib/server/errors';
import { safeRedirectPath } from '$lib/server/redirect';
import { actionFailure, readForm } from '$lib/server/respond';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

type FieldErrors = Partial<Record<'email' | 'password', string[]>>;
const noFieldErrors: FieldErrors = {};

const NOTICES = new Map([
	['session-ended', 'Your session has ended. Sign in again to continue.'],
	['signed-out', 'You are signed out.'],
	['account-deleted', 'Your account and all its chats are deleted.']
]);

export const load: PageServerLoad = ({ locals, url }) => {
	const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, redirectTo);
	return { redirectTo, notice: NOTICES.get(url.searchParams.get('reason') ?? '') ?? null };
};

async function readCredentials(event: RequestEvent) {
	const form = await readForm(event);
	const email = String(form.get('email') ?? '');
	const parsed = credentialsSchema.safeParse({ email, password: form.get('password') ?? '' });
	if (!parsed.success) {
		const errors: FieldErrors = z.flattenError(parsed.error).fieldErrors;
		return { failure: fail(400, { email, errors, error: null }) };
	}
	return { credentials: parsed.data, redirectTo: safeRedirectPath(String(form.get('redirectTo') ?? '')) };
}

export const actions: Actions = {
	signin: async (event) => {
		const { failure, credentials, redirectTo } = await readCredentials(event);
		if (failure) return failure;
		const { error } = await event.locals.supabase.auth.signInWithPassword(credentials);
		if (error) return actionFailure(event, fromAuth(error), { email: credentials.email, errors: noFieldErrors });
		redirect(303, redirectTo);
	},
	signup: async (event) => {
		const { failure, credentials, redirectTo } = await readCredentials(event);
		if (failure) return failure;
		const { data, error } = await event.locals.supabase.auth.signUp(credentials);
		if (error) return actionFailure(event, fromAuth(error), { email: credentials.email, errors: noFieldErrors });
		if (!data.session) {
			return { email: credentials.email, confirmationSent: true };
		}
		redirect(303, redirectTo);
	},
	/** "Try it without an account": an anonymous sign-in, under the guest plan's limits. */
	guest: async (event) => {
		const form = await readForm(event);
		const { error } = await event.locals.supabase.auth.signInAnonymously();
		if (error) return actionFailure(event, fromAuth(error), { email: '', errors: noFieldErrors });
		redirect(303, safeRedirectPath(String(form.get('redirectTo') ?? '')));
	}
};
