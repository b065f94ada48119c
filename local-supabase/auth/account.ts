// Signing up, and a signed-in user reading and changing their account.
import type { Context } from 'hono';
import { z } from 'zod';
import {
	AUDIENCE,
	type AuthDeps,
	assertPasswordStrength,
	hashPassword,
	metadata,
	optionalString,
	passwordMatches,
	readJson,
	requireUser,
	validateEmail
} from './context.ts';
import { assertNotTooSoon, newCode, sendConfirmation, sendEmailChange, tokenHash } from './email-links.ts';
import { sendMail } from './mailer.ts';
import { AuthError, badRequest, forbidden, unprocessable } from './errors.ts';
import { signIn } from './sessions.ts';
import * as store from './store.ts';
import { obfuscatedUserJson, userJson } from './users.ts';

const signupParams = z.looseObject({
	email: optionalString,
	phone: optionalString,
	password: optionalString,
	data: metadata.nullish().transform((value) => value ?? {})
});

const UNIQUE_VIOLATION = '23505';

export async function signup(c: Context, deps: AuthDeps) {
	const { settings } = deps;
	const params = await readJson(c, signupParams);
	// GoTrue reads a signup without email or phone as an anonymous sign-in.
	if (!params.email && !params.phone) return signupAnonymously(c, deps, params.data);
	deps.limits.check(c, 'signup');
	if (!settings.enableSignup) throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
	if (params.password === '') throw badRequest('validation_failed', 'Signup requires a valid password');
	assertPasswordStrength(settings, params.password);
	if (params.email && params.phone) {
		throw badRequest('validation_failed', 'Only an email address or phone number should be provided on signup.');
	}
	if (params.phone) throw badRequest('phone_provider_disabled', 'Phone signups are disabled');
	if (!params.email) throw badRequest('validation_failed', 'Sign up only available with email provider');
	if (!settings.enableEmailSignup) throw badRequest('email_provider_disabled', 'Email signups are disabled');
	const email = validateEmail(params.email);
	const autoconfirm = !settings.enableConfirmations;

	const existing = await store.findUserByEmail(deps.sql, email, AUDIENCE);
	if (existing?.email_confirmed_at) {
		if (autoconfirm) throw unprocessable('user_already_exists', 'User already registered');
		// With confirmations on, GoTrue must not reveal that the address is taken.
		return c.json(obfuscatedUserJson(email, AUDIENCE, params.data));
	}

	let userId = existing?.id;
	const created = !userId;
	if (!userId) {
		try {
			userId = await store.createEmailUser(deps.sql, {
				email,
				encryptedPassword: await hashPassword(params.password),
				aud: AUDIENCE,
				role: AUDIENCE,
				userMetadata: params.data,
				appMetadata: { provider: 'email', providers: ['email'] },
				confirmed: autoconfirm,
				confirmationSentAt: false
			});
		} catch (error) {
			if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
				throw unprocessable('user_already_exists', 'User already registered');
			}
			throw error;
		}
	} else if (autoconfirm) {
		// GoTrue confirms an existing unconfirmed user here and opens a session for whoever asked,
		// without the password. Parley differs on purpose: only the account's own password does.
		if (!(await passwordMatches(existing, params.password))) {
			throw unprocessable('user_already_exists', 'User already registered');
		}
		await store.confirmEmail(deps.sql, userId);
	}

	if (autoconfirm) return c.json(await signIn(c, deps, userId));
	const pending = await store.findUserById(deps.sql, userId);
	if (!pending?.email) throw new AuthError(500, 'unexpected_failure', 'Database error saving new user');
	try {
		await sendConfirmation(c, deps, { ...pending, email: pending.email });
	} catch (error) {
		// GoTrue creates the user and sends its mail in one transaction: no mail, no user.
		if (created) await store.deleteUser(deps.sql, userId);
		throw error;
	}
	const user = await store.findUserById(deps.sql, userId);
	return c.json(user ? userJson(user) : {});
}

async function signupAnonymously(c: Context, deps: AuthDeps, data: Record<string, unknown>) {
	if (!deps.settings.enableAnonymousSignIns) {
		throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
	}
	deps.limits.check(c, 'anonymous');
	if (!deps.settings.enableSignup) throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
	const userId = await store.createAnonymousUser(deps.sql, { aud: AUDIENCE, role: AUDIENCE, userMetadata: data });
	return c.json(await signIn(c, deps, userId));
}

export async function getUser(c: Context, deps: AuthDeps) {
	const { user, claims } = await requireUser(c, deps);
	if (
		claims.aud !== undefined &&
		claims.aud !== user.aud &&
		!(Array.isArray(claims.aud) && claims.aud.includes(user.aud))
	) {
		throw badRequest('validation_failed', "Token audience doesn't match request audience");
	}
	return c.json(userJson(user));
}

const updateParams = z.looseObject({
	email: optionalString,
	phone: optionalString,
	password: z.string().nullish(),
	data: metadata.nullish(),
	app_metadata: metadata.nullish(),
	nonce: optionalString
});

export async function updateUser(c: Context, deps: AuthDeps) {
	const params = await readJson(c, updateParams);
	const { user, sessionId } = await requireUser(c, deps);
	if (params.password) assertPasswordStrength(deps.settings, params.password);
	if (params.app_metadata) throw forbidden('not_admin', 'Updating app_metadata requires admin privileges');
	if (params.phone) throw unprocessable('phone_provider_disabled', 'Phone signups are disabled');
	if (user.is_anonymous && params.password && !params.email) {
		throw unprocessable(
			'validation_failed',
			'Updating password of an anonymous user without an email or phone is not allowed'
		);
	}

	// A reauthentication code, when one is given, must be the user's (GoTrue's verifyReauthentication).
	if (params.nonce) {
		const valid =
			user.email &&
			(await store.takeReauthenticationToken(
				deps.sql,
				user.id,
				tokenHash(user.email, params.nonce),
				deps.settings.otpExpiry
			));
		if (!valid) throw unprocessable('reauthentication_not_valid', 'Nonce has expired or is invalid');
	}
	const newEmail = params.email ? validateEmail(params.email) : undefined;
	if (newEmail && newEmail !== user.email) {
		const taken = await store.findUserByEmail(deps.sql, newEmail, AUDIENCE);
		if (taken) throw unprocessable('email_exists', 'A user with this email address has already been registered');
	}
	let encryptedPassword: string | undefined;
	if (params.password) {
		if (await passwordMatches(user, params.password)) {
			throw unprocessable('same_password', 'New password should be different from the old password.');
		}
		encryptedPassword = await hashPassword(params.password);
	}

	// A guest adding an email with confirmations off is like a signup: it is confirmed at once and
	// the account stops being anonymous. Anyone else's change is mailed, and waits for its links.
	const changesEmail = Boolean(newEmail && newEmail !== user.email);
	const adopts = changesEmail && user.is_anonymous && !deps.settings.enableConfirmations;
	await deps.sql.begin(async (tx) => {
		// A new password ends every other session of the user.
		if (encryptedPassword) await store.updatePassword(tx, user.id, encryptedPassword, sessionId);
		if (params.data) await store.mergeUserMetadata(tx, user.id, params.data);
		if (adopts && newEmail) await store.adoptEmail(tx, user.id, newEmail);
	});
	if (changesEmail && !adopts && newEmail) await sendEmailChange(c, deps, user, newEmail);
	const updated = await store.findUserById(deps.sql, user.id);
	return c.json(updated ? userJson(updated) : {});
}

/**
 * GET /reauthenticate: mails the signed-in user a code that a sensitive change (PUT /user with
 * `nonce`) can be made with. Phone numbers are not implemented here, as elsewhere.
 */
export async function reauthenticate(c: Context, deps: AuthDeps) {
	const { user } = await requireUser(c, deps);
	if (!user.email && !user.phone) {
		throw badRequest('validation_failed', 'Reauthentication requires the user to have an email or a phone number');
	}
	if (!user.email) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
	if (!user.email_confirmed_at) throw unprocessable('email_not_confirmed', 'Please verify your email first.');
	assertNotTooSoon(deps, user.reauthentication_sent_at);
	const otp = newCode();
	await store.setReauthenticationToken(deps.sql, user.id, tokenHash(user.email, otp));
	await sendMail(deps, 'reauthentication', user.email, {
		ConfirmationURL: '',
		Token: otp,
		TokenHash: tokenHash(user.email, otp),
		SiteURL: deps.settings.siteUrl,
		RedirectTo: deps.settings.siteUrl,
		Email: user.email,
		NewEmail: ''
	});
	return c.json({});
}
