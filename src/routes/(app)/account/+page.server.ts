import { fail, redirect } from '@sveltejs/kit';
import {
	changeEmailSchema,
	changePasswordSchema,
	confirmFactorSchema,
	createAccountSchema,
	deleteAccountSchema,
	removeFactorSchema,
	removePasskeySchema
} from '$lib/schemas/auth';
import {
	changePassword,
	createAccountForGuest,
	deleteMyAccount,
	myUsage,
	signOutEverywhere
} from '$lib/server/account';
import { requestEmailChange } from '$lib/server/email-links';
import { serverEnv } from '$lib/server/env';
import { AppError, describeFailure, failureText } from '$lib/server/errors';
import { listPasskeys, removePasskey } from '$lib/server/passkeys';
import { removeFactor, startTotpSetup, verifiedFactors, verifyCode, type TotpSetup } from '$lib/server/second-factor';
import { actionFailure, readForm } from '$lib/server/respond';
import type { Actions, PageServerLoad } from './$types';

/** The person's apps and keys, or why they cannot be listed now (the page still shows). */
async function twoFactor(event: Parameters<PageServerLoad>[0]) {
	const securityKeys = serverEnv().SECURITY_KEYS === 'on';
	if (!event.locals.user || event.locals.user.isGuest) return { factors: [], error: null, securityKeys };
	try {
		return { factors: await verifiedFactors(event), error: null, securityKeys };
	} catch (cause) {
		return { factors: [], error: failureText(describeFailure(cause, 'listing second factors')), securityKeys };
	}
}

/** The person's passkeys; null where passkeys are off (the section is not shown). */
async function passkeys(event: Parameters<PageServerLoad>[0]) {
	if (!event.locals.user || event.locals.user.isGuest) return null;
	try {
		return { list: await listPasskeys(event), error: null };
	} catch (cause) {
		if (cause instanceof AppError && cause.code === 'auth:passkeys_off') return null;
		return { list: [], error: failureText(describeFailure(cause, 'listing passkeys')) };
	}
}

export const load: PageServerLoad = async (event) => {
	const { locals, url } = event;
	const [usage, factors, keys] = await Promise.all([myUsage(locals.supabase), twoFactor(event), passkeys(event)]);
	return {
		email: locals.user?.email ?? null,
		isGuest: locals.user?.isGuest ?? false,
		created: url.searchParams.has('created'),
		emailChanged: url.searchParams.has('email-changed'),
		twoFactor: { ...factors, changed: url.searchParams.get('two-factor') },
		passkeys: keys && { ...keys, changed: url.searchParams.get('passkey') },
		usage
	};
};

type TwoFactorAnswer = { section: 'two-factor'; error: string | null; done: null; setup: TotpSetup | null };

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
	/** Set up an authenticator app: the page shows its QR code and secret, then asks for a code. */
	twoFactorSetup: async (event) => {
		try {
			const setup = await startTotpSetup(event);
			return { section: 'two-factor', error: null, done: null, setup } satisfies TwoFactorAnswer;
		} catch (cause) {
			return actionFailure(event, cause, { section: 'two-factor', done: null, setup: null });
		}
	},
	twoFactorConfirm: async (event) => {
		const form = await readForm(event);
		const setup = {
			factorId: String(form.get('factorId') ?? ''),
			qrCode: String(form.get('qrCode') ?? ''),
			secret: String(form.get('secret') ?? '')
		};
		// Refused, the QR code and secret stay on the page, so the setup can go on.
		const shown = /^data:image\/svg\+xml,/.test(setup.qrCode) && /^[A-Z2-7]{16,64}$/.test(setup.secret) ? setup : null;
		const parsed = confirmFactorSchema.safeParse({ factorId: setup.factorId, code: form.get('code') ?? '' });
		if (!parsed.success) {
			return fail(400, { section: 'two-factor', error: parsed.error.issues[0].message, done: null, setup: shown });
		}
		try {
			await verifyCode(event, parsed.data.factorId, parsed.data.code);
		} catch (cause) {
			return actionFailure(event, cause, { section: 'two-factor', done: null, setup: shown });
		}
		redirect(303, '/account?two-factor=on');
	},
	twoFactorRemove: async (event) => {
		const form = await readForm(event);
		const parsed = removeFactorSchema.safeParse({ factorId: form.get('factorId') ?? '' });
		if (!parsed.success) {
			return fail(400, { section: 'two-factor', error: parsed.error.issues[0].message, done: null, setup: null });
		}
		try {
			await removeFactor(event, parsed.data.factorId);
		} catch (cause) {
			return actionFailure(event, cause, { section: 'two-factor', done: null, setup: null });
		}
		redirect(303, form.get('kind') === 'key' ? '/account?two-factor=key-off' : '/account?two-factor=off');
	},
	passkeyRemove: async (event) => {
		const parsed = removePasskeySchema.safeParse({ passkeyId: (await readForm(event)).get('passkeyId') ?? '' });
		if (!parsed.success) return fail(400, { section: 'passkeys', error: parsed.error.issues[0].message, done: null });
		try {
			await removePasskey(event, parsed.data.passkeyId);
		} catch (cause) {
			return actionFailure(event, cause, { section: 'passkeys', done: null });
		}
		redirect(303, '/account?passkey=removed');
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
