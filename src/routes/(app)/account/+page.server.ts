import { fail, redirect } from '@sveltejs/kit';
import { changeEmailSchema, changePasswordSchema, createAccountSchema, deleteAccountSchema } from '$lib/schemas/auth';
import {
	changePassword,
	createAccountForGuest,
	deleteMyAccount,
	myUsage,
	signOutEverywhere
} from '$lib/server/account';
import { requestEmailChange } from '$lib/server/email-links';
import { actionFailure, readForm } from '$lib/server/respond';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => ({
	email: locals.user?.email ?? null,
	isGuest: locals.user?.isGuest ?? false,
	created: url.searchParams.has('created'),
	emailChanged: url.searchParams.has('email-changed'),
	usage: await myUsage(locals.supabase)
});

export const actions: Actions = {
	password: async (event) => {
		const form = await readForm(event);
		const parsed = changePasswordSchema.safeParse({
			current: form.get('current') ?? '',
			password: form.get('password') ?? ''
		});
		if (!parsed.success) return fail(400, { section: 'password', error: parsed.error.issues[0].message, done: null });
		try {
			await changePassword(event, parsed.data.current, parsed.data.password);
		} catch (cause) {
			return actionFailure(event, cause, { section: 'password', done: null });
		}
		return {
			section: 'password',
			error: null,
			done: 'Your password is changed. Other devices are signed out within the hour.'
		};
	},
	createAccount: async (event) => {
		const form = await readForm(event);
		const email = String(form.get('email') ?? '');
		const parsed = createAccountSchema.safeParse({ email, password: form.get('password') ?? '' });
		if (!parsed.success) {
			return fail(400, { section: 'create', error: parsed.error.issues[0].message, done: null, email });
		}
		let outcome: Awaited<ReturnType<typeof createAccountForGuest>>;
		try {
			outcome = await createAccountForGuest(event, parsed.data.email, parsed.data.password);
		} catch (cause) {
			return actionFailure(event, cause, { section: 'create', done: null, email });
		}
		if (outcome === 'created') redirect(303, '/account?created');
		return {
			section: 'create',
			error: null,
			done: `Check your inbox: open the link we sent to ${parsed.data.email} to finish your account.`,
			email
		};
	},
	email: async (event) => {
		const form = await readForm(event);
		const email = String(form.get('email') ?? '');
		const parsed = changeEmailSchema.safeParse({ email });
		if (!parsed.success) {
			return fail(400, { section: 'email', error: parsed.error.issues[0].message, done: null, email });
		}
		try {
			await requestEmailChange(event, parsed.data.email);
		} catch (cause) {
			return actionFailure(event, cause, { section: 'email', done: null, email });
		}
		return {
			section: 'email',
			error: null,
			done: `We sent a link to ${parsed.data.email}, and one to ${event.locals.user?.email ?? 'your current address'}. Open both to move your account; until then, nothing changes.`,
			email
		};
	},
	signOutEverywhere: async (event) => {
		try {
			await signOutEverywhere(event);
		} catch (cause) {
			return actionFailure(event, cause, { section: 'sessions', done: null });
		}
		redirect(303, '/login?reason=signed-out');
	},
	delete: async (event) => {
		const form = await readForm(event);
		const parsed = deleteAccountSchema.safeParse({ confirm: String(form.get('confirm') ?? '').trim() });
		if (!parsed.success) return fail(400, { section: 'delete', error: parsed.error.issues[0].message, done: null });
		try {
			await deleteMyAccount(event);
		} catch (cause) {
			return actionFailure(event, cause, { section: 'delete', done: null });
		}
		redirect(303, '/login?reason=account-deleted');
	}
};
