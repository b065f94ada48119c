// Mailed links, as GoTrue does them. Each mail carries a single-use token: a six-digit code and
// its hash (SHA-224 of the address and the code), kept on the user. /verify spends it for a
// session, either as JSON (POST, what verifyOtp calls with a token_hash) or as a redirect with the
// session in the URL fragment (GET, the link of GoTrue's default templates).
//
//   recovery token:      /recover (password recovery), /otp for a confirmed user (magic link)
//   confirmation token:  signup with confirmations on, /resend, /otp for a new user, /invite
//   email change tokens: PUT /user with a new email (one per address that must confirm)
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AuthDeps } from './context.ts';
import { AUDIENCE, hashPassword, metadata, optionalString, readJson, requireAdmin, validateEmail } from './context.ts';
import { AuthError, badRequest, forbidden, notFound, unprocessable } from './errors.ts';
import { type MailFields, type MailKind, sendMail } from './mailer.ts';
import { signIn } from './sessions.ts';
import * as store from './store.ts';
import { isBanned, userJson } from './users.ts';

/** GoTrue's token hash: SHA-224 of the address and the one-time code, in hex. */
export const tokenHash = (email: string, otp: string) =>
	createHash('sha224')
		.update(email + otp)
		.digest('hex');

export const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** Where a link may send the person: the site, or a page on the site's origin. */
function redirectTarget(deps: AuthDeps, requested: string | undefined): string {
	const site = deps.settings.siteUrl;
	if (!requested) return site;
	try {
		return new URL(requested).origin === new URL(site).origin ? requested : site;
	} catch {
		return site;
	}
}

/** GoTrue's answer to a second mail within [auth.email] max_frequency. */
export function assertNotTooSoon(deps: AuthDeps, sentAt: Date | null): void {
	const wait = deps.settings.emailMaxFrequency * 1000;
	const since = sentAt ? Date.now() - sentAt.getTime() : Infinity;
	if (since >= wait) return;
	const left = Math.ceil((wait - since) / 1000);
	throw new AuthError(
		429,
		'over_email_send_rate_limit',
		`For security purposes, you can only request this after ${left} seconds.`
	);
}

/** The /verify types, and the mail each kind of link is sent in. */
type VerifyType = 'recovery' | 'magiclink' | 'signup' | 'invite' | 'email_change';
const MAIL_OF: Record<VerifyType, MailKind> = {
	recovery: 'recovery',
	magiclink: 'magic_link',
	signup: 'confirmation',
	invite: 'invite',
	email_change: 'email_change'
};

function actionLink(deps: AuthDeps, hash: string, type: VerifyType, redirectTo: string): string {
	const url = new URL(`${deps.settings.issuer}/verify`);
	url.search = new URLSearchParams({ token: hash, type, redirect_to: redirectTo }).toString();
	return url.href;
}

interface IssuedLink {
	otp: string;
	hash: string;
	link: string;
	redirectTo: string;
}

/** A new recovery or confirmation token for the user: stored, not yet mailed. */
async function issueLink(
	c: Context,
	deps: AuthDeps,
	user: { id: string; email: string },
	type: Exclude<VerifyType, 'email_change'>
): Promise<IssuedLink> {
	const otp = newCode();
	const hash = tokenHash(user.email, otp);
	const redirectTo = redirectTarget(deps, c.req.query('redirect_to'));
	await store.setLinkToken(
		deps.sql,
		user.id,
		type === 'recovery' || type === 'magiclink' ? 'recovery' : 'confirmation',
		hash
	);
	if (type === 'invite') await store.markInvited(deps.sql, user.id);
	return { otp, hash, link: actionLink(deps, hash, type, redirectTo), redirectTo };
}

function mailLink(
	deps: AuthDeps,
	type: VerifyType,
	to: string,
	issued: IssuedLink,
	extra: Partial<MailFields> = {}
): Promise<void> {
	return sendMail(deps, MAIL_OF[type], to, {
		ConfirmationURL: issued.link,
		Token: issued.otp,
		TokenHash: issued.hash,
		SiteURL: deps.settings.siteUrl,
		RedirectTo: issued.redirectTo,
		Email: to,
		NewEmail: '',
		...extra
	});
}

type UserWithEmail = store.UserRow & { email: string };
const withEmail = (user: store.UserRow | undefined): UserWithEmail | undefined =>
	user?.email ? (user as UserWithEmail) : undefined;

/** Mails a confirmation link (signup, /resend, a magic link's first use). */
export async function sendConfirmation(c: Context, deps: AuthDeps, user: UserWithEmail): Promise<void> {
	assertNotTooSoon(deps, user.confirmation_sent_at);
	await mailLink(deps, 'signup', user.email, await issueLink(c, deps, user, 'signup'));
}

const recoverBody = z.looseObject({ email: optionalString });

export async function recover(c: Context, deps: AuthDeps) {
	const { email: given } = await readJson(c, recoverBody);
	const email = validateEmail(given);
	const user = withEmail(await store.findUserByEmail(deps.sql, email, AUDIENCE));
	// GoTrue answers an unknown address as it answers a known one, so no one learns which exist.
	if (!user) return c.json({});
	assertNotTooSoon(deps, user.recovery_sent_at);
	await mailLink(deps, 'recovery', user.email, await issueLink(c, deps, user, 'recovery'));
	return c.json({});
}

const resendBody = z.looseObject({ type: optionalString, email: optionalString, phone: optionalString });

/** Mails the confirmation (or email change) link again, when there is one to confirm. */
export async function resend(c: Context, deps: AuthDeps) {
	const body = await readJson(c, resendBody);
	if (body.type !== 'signup' && body.type !== 'email_change') {
		if (body.type === 'sms' || body.type === 'phone_change') {
			throw badRequest('phone_provider_disabled', 'Phone logins are disabled');
		}
		throw badRequest('validation_failed', 'Missing one of these types: signup, email_change, sms, phone_change');
	}
	if (!body.email) {
		if (body.type === 'signup') throw badRequest('validation_failed', 'Type provided requires an email address');
		throw badRequest('validation_failed', 'Missing email address or phone number');
	}
	if (body.phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided.');
	if (!deps.settings.enableEmailSignup) throw badRequest('email_provider_disabled', 'Email logins are disabled');
	const user = withEmail(await store.findUserByEmail(deps.sql, validateEmail(body.email), AUDIENCE));
	// As GoTrue: nothing to confirm (no such user, confirmed already, no change pending) is a quiet 200.
	if (!user) return c.json({});
	if (body.type === 'signup') {
		if (!user.email_confirmed_at) await sendConfirmation(c, deps, user);
	} else if (user.email_change) {
		await sendEmailChange(c, deps, user, user.email_change);
	}
	return c.json({});
}

const otpBody = z.looseObject({
	email: optionalString,
	phone: optionalString,
	create_user: z.boolean().nullish(),
	data: metadata.nullish()
});

/** signInWithOtp by email: a magic link for a confirmed user, a confirmation for a new one. */
export async function otp(c: Context, deps: AuthDeps) {
	const body = await readJson(c, otpBody);
	if (body.email && body.phone) {
		throw badRequest('validation_failed', 'Only an email address or phone number should be provided');
	}
	if (body.phone) throw badRequest('phone_provider_disabled', 'Unsupported phone provider');
	if (!body.email) throw badRequest('validation_failed', 'One of email or phone must be set');
	if (!deps.settings.enableEmailSignup) throw unprocessable('email_provider_disabled', 'Email logins are disabled');
	const email = validateEmail(body.email);
	let user = withEmail(await store.findUserByEmail(deps.sql, email, AUDIENCE));
	if (!user) {
		if (body.create_user === false || !deps.settings.enableSignup) {
			throw unprocessable('otp_disabled', 'Signups not allowed for otp');
		}
		const autoconfirm = !deps.settings.enableConfirmations;
		const id = await store.createEmailUser(deps.sql, {
			email,
			encryptedPassword: '',
			aud: AUDIENCE,
			role: AUDIENCE,
			userMetadata: body.data ?? {},
			appMetadata: { provider: 'email', providers: ['email'] },
			confirmed: autoconfirm,
			confirmationSentAt: false
		});
		user = withEmail(await store.findUserById(deps.sql, id))!;
	}
	if (!user.email_confirmed_at) {
		await sendConfirmation(c, deps, user);
		return c.json({});
	}
	assertNotTooSoon(deps, user.recovery_sent_at);
	await mailLink(deps, 'magiclink', user.email, await issueLink(c, deps, user, 'magiclink'));
	return c.json({});
}

/**
 * Starts an email change: a link to the new address, and (with double_confirm_changes, for a user
 * who has an address) one to the current address; each is spent by /verify type email_change.
 */
export async function sendEmailChange(c: Context, deps: AuthDeps, user: store.UserRow, newEmail: string) {
	assertNotTooSoon(deps, user.email_change_sent_at);
	const redirectTo = redirectTarget(deps, c.req.query('redirect_to'));
	const otpNew = newCode();
	const tokenNew = tokenHash(newEmail, otpNew);
	const both = deps.settings.doubleConfirmChanges && Boolean(user.email);
	const otpCurrent = both ? newCode() : '';
	const tokenCurrent = both && user.email ? tokenHash(user.email, otpCurrent) : '';
	await store.requestEmailChange(deps.sql, user.id, { email: newEmail, tokenNew, tokenCurrent });
	const fields = { Email: user.email ?? '', NewEmail: newEmail };
	const link = (otpCode: string, hash: string): IssuedLink => ({
		otp: otpCode,
		hash,
		link: actionLink(deps, hash, 'email_change', redirectTo),
		redirectTo
	});
	await mailLink(deps, 'email_change', newEmail, link(otpNew, tokenNew), fields);
	if (both && user.email) await mailLink(deps, 'email_change', user.email, link(otpCurrent, tokenCurrent), fields);
}

const inviteBody = z.looseObject({ email: optionalString, data: metadata.nullish() });

/** POST /invite (admin): a user with no password, and a mail whose link signs them in. */
export async function invite(c: Context, deps: AuthDeps) {
	await requireAdmin(c, deps);
	const body = await readJson(c, inviteBody);
	const email = validateEmail(body.email);
	const user = await invitee(deps, email, body.data ?? {});
	await mailLink(deps, 'invite', email, await issueLink(c, deps, user, 'invite'));
	const invited = await store.findUserById(deps.sql, user.id);
	return c.json(invited ? userJson(invited) : {});
}

/** The user an invite is for: a new one, or one who never confirmed. */
async function invitee(deps: AuthDeps, email: string, data: Record<string, unknown>): Promise<UserWithEmail> {
	const existing = withEmail(await store.findUserByEmail(deps.sql, email, AUDIENCE));
	if (existing?.email_confirmed_at) {
		throw unprocessable('email_exists', 'A user with this email address has already been registered');
	}
	if (existing) return existing;
	const id = await store.createEmailUser(deps.sql, {
		email,
		encryptedPassword: '',
		aud: AUDIENCE,
		role: AUDIENCE,
		userMetadata: data,
		appMetadata: { provider: 'email', providers: ['email'] },
		confirmed: false,
		confirmationSentAt: false
	});
	return withEmail(await store.findUserById(deps.sql, id))!;
}

const generateBody = z.looseObject({
	type: optionalString,
	email: optionalString,
	new_email: optionalString,
	password: optionalString,
	data: metadata.nullish(),
	redirect_to: optionalString
});

/**
 * POST /admin/generate_link: the link a mail would carry, returned instead of mailed, with the
 * user and GoTrue's properties (action_link, email_otp, hashed_token, verification_type).
 */
export async function generateLink(c: Context, deps: AuthDeps) {
	await requireAdmin(c, deps);
	const body = await readJson(c, generateBody);
	const email = validateEmail(body.email);
	let type = body.type;
	let user = withEmail(await store.findUserByEmail(deps.sql, email, AUDIENCE));
	if (!user && type === 'magiclink') type = 'signup';
	if (!user && ['recovery', 'email_change_current', 'email_change_new'].includes(type)) {
		throw notFound('user_not_found', 'User with this email not found');
	}
	const redirectTo = redirectTarget(deps, body.redirect_to || undefined);
	const otpCode = newCode();
	let hash = tokenHash(email, otpCode);
	let verifyType: VerifyType;

	switch (type) {
		case 'signup':
		case 'invite': {
			if (user?.email_confirmed_at) {
				throw unprocessable('email_exists', 'A user with this email address has already been registered');
			}
			if (!user) {
				const id = await store.createEmailUser(deps.sql, {
					email,
					// A signup link's user gets the given password, or one nobody knows, as GoTrue's does.
					encryptedPassword:
						type === 'signup' ? await hashPassword(body.password || randomBytes(32).toString('hex')) : '',
					aud: AUDIENCE,
					role: AUDIENCE,
					userMetadata: body.data ?? {},
					appMetadata: { provider: 'email', providers: ['email'] },
					confirmed: false,
					confirmationSentAt: false
				});
				user = withEmail(await store.findUserById(deps.sql, id))!;
			}
			await store.setLinkToken(deps.sql, user.id, 'confirmation', hash);
			if (type === 'invite') await store.markInvited(deps.sql, user.id);
			verifyType = type;
			break;
		}
		case 'magiclink':
		case 'recovery':
			await store.setLinkToken(deps.sql, user!.id, 'recovery', hash);
			verifyType = type;
			break;
		case 'email_change_current':
		case 'email_change_new': {
			if (type === 'email_change_current' && !deps.settings.doubleConfirmChanges) {
				throw badRequest('validation_failed', 'Enable secure email change to generate link for current email');
			}
			const newEmail = validateEmail(body.new_email);
			if (await store.findUserByEmail(deps.sql, newEmail, AUDIENCE)) {
				throw unprocessable('email_exists', 'A user with this email address has already been registered');
			}
			if (type === 'email_change_new') hash = tokenHash(newEmail, otpCode);
			await store.requestEmailChange(deps.sql, user!.id, {
				email: newEmail,
				tokenNew: type === 'email_change_new' ? hash : '',
				tokenCurrent: type === 'email_change_current' ? hash : ''
			});
			verifyType = 'email_change';
			break;
		}
		default:
			throw badRequest('validation_failed', `Invalid email action link type requested: ${type}`);
	}
	const fresh = await store.findUserById(deps.sql, user!.id);
	return c.json({
		...(fresh ? userJson(fresh) : {}),
		action_link: actionLink(deps, hash, verifyType, redirectTo),
		email_otp: otpCode,
		hashed_token: hash,
		verification_type: type,
		redirect_to: redirectTo
	});
}

const expired = (viaHash: boolean) =>
	forbidden('otp_expired', viaHash ? 'Email link is invalid or has expired' : 'Token has expired or is invalid');

/** The token columns each /verify type may spend; `email` is GoTrue's "signup or magic link". */
const SPENDS: Record<string, ('confirmation' | 'recovery')[]> = {
	recovery: ['recovery'],
	magiclink: ['recovery'],
	signup: ['confirmation'],
	invite: ['confirmation'],
	email: ['confirmation', 'recovery']
};

const SINGLE_CONFIRMATION = 'Confirmation link accepted. Please proceed to confirm link sent to the other email';

/** Spends a link's token hash: a session, or (half of an email change) GoTrue's message. */
async function verifyLink(
	c: Context,
	deps: AuthDeps,
	type: string,
	hash: string,
	viaHash: boolean
): Promise<{ session: Awaited<ReturnType<typeof signIn>> } | { message: string }> {
	let userId: string | undefined;
	if (type === 'email_change') {
		const taken = await store.takeEmailChangeToken(deps.sql, hash, deps.settings.otpExpiry);
		if (taken?.outcome === 'half') return { message: SINGLE_CONFIRMATION };
		userId = taken?.userId;
	} else {
		const kinds = Object.hasOwn(SPENDS, type) ? SPENDS[type] : undefined;
		if (!kinds) throw badRequest('validation_failed', `Verify type ${type || '(none)'} is not supported here`);
		for (const kind of kinds) userId ??= await store.takeLinkToken(deps.sql, kind, hash, deps.settings.otpExpiry);
	}
	if (!userId) throw expired(viaHash);
	const user = await store.findUserById(deps.sql, userId);
	if (!user) throw expired(viaHash);
	if (isBanned(user)) throw forbidden('user_banned', 'User is banned');
	return { session: await signIn(c, deps, userId) };
}

const verifyBody = z.looseObject({
	type: optionalString,
	token_hash: optionalString,
	token: optionalString,
	email: optionalString,
	phone: optionalString
});

/** GoTrue's phone check: the number without `+` and blanks, in E.164. */
function validatePhone(phone: string): string {
	const formatted = phone.replace(/[+\s]/g, '');
	if (!/^[1-9][0-9]{1,14}$/.test(formatted)) {
		throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)');
	}
	return formatted;
}

export async function verifyPost(c: Context, deps: AuthDeps) {
	const body = await readJson(c, verifyBody);
	if (body.phone) {
		if (body.email) {
			throw badRequest('validation_failed', 'Only an email address or phone number should be provided on verify');
		}
		// No phone sign-in here sends a code, so none can match: GoTrue's answer to a wrong one.
		validatePhone(body.phone);
		throw expired(false);
	}
	// A six-digit code from the mail comes with the address; a link's hash on its own.
	const byCode = !body.token_hash && Boolean(body.token && body.email);
	const email = byCode ? validateEmail(body.email) : '';
	const hash = body.token_hash || (byCode ? tokenHash(email, body.token) : '');
	if (!hash) throw badRequest('validation_failed', 'Verify requires a token_hash, or a token with an email');
	let outcome: Awaited<ReturnType<typeof verifyLink>>;
	try {
		outcome = await verifyLink(c, deps, body.type, hash, !byCode);
	} catch (error) {
		// A wrong code counts against the user's codes whatever address it came from.
		if (byCode && error instanceof AuthError && error.code === 'otp_expired') {
			await deps.wrongCodes.record(deps, body.type, email);
		}
		throw error;
	}
	return 'message' in outcome ? c.json({ msg: outcome.message, code: '200' }) : c.json(outcome.session);
}

export async function verifyGet(c: Context, deps: AuthDeps) {
	const target = new URL(redirectTarget(deps, c.req.query('redirect_to')));
	const type = c.req.query('type') ?? '';
	try {
		const outcome = await verifyLink(c, deps, type, c.req.query('token') ?? '', true);
		if ('message' in outcome) {
			target.hash = new URLSearchParams({ message: outcome.message }).toString();
		} else {
			const { session } = outcome;
			target.hash = new URLSearchParams({
				access_token: session.access_token,
				expires_at: String(session.expires_at),
				expires_in: String(session.expires_in),
				refresh_token: session.refresh_token,
				token_type: 'bearer',
				type
			}).toString();
		}
	} catch (error) {
		if (!(error instanceof AuthError)) throw error;
		target.hash = new URLSearchParams({
			error: 'access_denied',
			error_code: error.code,
			error_description: error.message
		}).toString();
	}
	return c.redirect(target.href, 303);
}
