import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { credentialsSchema, resetRequestSchema } from '$lib/schemas/auth';
import { resendConfirmation } from '$lib/server/email-links';
import { fromAuth } from '$lib/server/errors';
import { safeRedirectPath } from '$lib/server/redirect';
import { hasVerifiedFactor } from '$lib/server/second-factor';
import { actionFailure, readForm } from '$lib/server/respond';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

type FieldErrors = Partial<Record<'email' | 'password', string[]>>;
const noFieldErrors: FieldErrors = {};

const NOTICES = new Map([
	['session-ended', 'Your session has ended. Sign in again to continue.'],
	['signed-out', 'You are signed out.'],
	['account-deleted', 'Your account and all its chats are deleted.']
]);

/** The second step of a sign-in, for someone with an authenticator app. */
const codeStep = (redirectTo: string) => `/login/code?redirectTo=${encodeURIComponent(redirectTo)}`;

export const load: PageServerLoad = ({ locals, url }) => {
	const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, locals.user.needsSecondFactor ? codeStep(redirectTo) : redirectTo);
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
		const { data, error } = await event.locals.auth.signInWithPassword(credentials);
		if (error) {
			// An account waiting for its confirmation link gets a button to have it sent again.
			const unconfirmed = error.code === 'email_not_confirmed';
			return actionFailure(event, fromAuth(error), { email: credentials.email, errors: noFieldErrors, unconfirmed });
		}
		// The password is the first step for someone with an authenticator app; its code is next.
		redirect(303, hasVerifiedFactor(data.user) ? codeStep(redirectTo) : redirectTo);
	},
	signup: async (event) => {
		const { failure, credentials, redirectTo } = await readCredentials(event);
		if (failure) return failure;
		const { data, error } = await event.locals.auth.signUp(credentials);
		if (error) return actionFailure(event, fromAuth(error), { email: credentials.email, errors: noFieldErrors });
		if (!data.session) {
			return { email: credentials.email, confirmationSent: true };
		}
		redirect(303, redirectTo);
	},
	/** "Send the link again" for an account that has not confirmed its address. */
	resend: async (event) => {
		const form = await readForm(event);
		const email = String(form.get('email') ?? '');
		const parsed = resetRequestSchema.safeParse({ email });
		if (!parsed.success) return fail(400, { email, errors: noFieldErrors, error: parsed.error.issues[0].message });
		try {
			await resendConfirmation(event, parsed.data.email);
		} catch (cause) {
			return actionFailure(event, cause, { email, errors: noFieldErrors, unconfirmed: true });
		}
		return { email: parsed.data.email, confirmationSent: true };
	},
	/** "Try it without an account": an anonymous sign-in, under the guest plan's limits. */
	guest: async (event) => {
		const form = await readForm(event);
		const { error } = await event.locals.auth.signInAnonymously();
		if (error) return actionFailure(event, fromAuth(error), { email: '', errors: noFieldErrors });
		redirect(303, safeRedirectPath(String(form.get('redirectTo') ?? '')));
	}
};
