// Mailed links, as GoTrue does them: /recover (password recovery), /resend and a signup with
// confirmations on (email confirmation) each mail a single-use link, and /verify spends it for a
// session, either as JSON (POST, what verifyOtp calls with a token_hash) or as a redirect with the
// session in the URL fragment (GET, the link of GoTrue's default templates).
import { createHash, randomInt } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AuthDeps } from './context.ts';
import { optionalString, readJson, validateEmail } from './context.ts';
import { AuthError, badRequest, forbidden } from './errors.ts';
import { type MailKind, sendMail } from './mailer.ts';
import { signIn } from './sessions.ts';
import * as store from './store.ts';
import { isBanned } from './users.ts';

/** GoTrue's token hash: SHA-224 of the address and the one-time code, in hex. */
export const tokenHash = (email: string, otp: string) =>
	createHash('sha224')
		.update(email + otp)
		.digest('hex');

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

/** Stores a new single-use token for the user and mails its link. */
export async function mailLink(
	c: Context,
	deps: AuthDeps,
	user: store.UserRow & { email: string },
	kind: MailKind,
	redirectTo?: string
): Promise<void> {
	const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
	const hash = tokenHash(user.email, otp);
	const target = redirectTarget(deps, redirectTo ?? c.req.query('redirect_to'));
	const verifyUrl = new URL(`${deps.settings.issuer}/verify`);
	const type = kind === 'recovery' ? 'recovery' : 'signup';
	verifyUrl.search = new URLSearchParams({ token: hash, type, redirect_to: target }).toString();
	await store.setLinkToken(deps.sql, user.id, kind, hash);
	await sendMail(deps.settings, kind, user.email, {
		ConfirmationURL: verifyUrl.href,
		Token: otp,
		TokenHash: hash,
		SiteURL: deps.settings.siteUrl,
		RedirectTo: target,
		Email: user.email
	});
}

const recoverBody = z.looseObject({ email: optionalString });

export async function recover(c: Context, deps: AuthDeps) {
	const { email: given } = await readJson(c, recoverBody);
	const email = validateEmail(given);
	const user = await store.findUserByEmail(deps.sql, email, 'authenticated');
	// GoTrue answers an unknown address as it answers a known one, so no one learns which exist.
	if (!user || !user.email) return c.json({});
	assertNotTooSoon(deps, user.recovery_sent_at);
	await mailLink(c, deps, { ...user, email: user.email }, 'recovery');
	return c.json({});
}

const resendBody = z.looseObject({ type: optionalString, email: optionalString, phone: optionalString });

/** Mails the confirmation link again to an address that has not confirmed yet. */
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
	const email = validateEmail(body.email);
	const user = await store.findUserByEmail(deps.sql, email, 'authenticated');
	// As GoTrue: nothing to send (no such user, confirmed already, no change pending) is a quiet 200.
	// Email-change mail is not implemented here, so that type never sends.
	if (!user?.email || user.email_confirmed_at || body.type === 'email_change') return c.json({});
	assertNotTooSoon(deps, user.confirmation_sent_at);
	await mailLink(c, deps, { ...user, email: user.email }, 'confirmation');
	return c.json({});
}

const expired = () => forbidden('otp_expired', 'Token has expired or is invalid');

/**
 * Spends a link's token hash and opens a session. `recovery` spends recovery tokens; `signup`
 * confirmation tokens; `email` either, as GoTrue's email OTP does (its magic links are recovery
 * tokens).
 */
async function verifyLink(c: Context, deps: AuthDeps, type: string, hash: string) {
	const kinds: Record<string, MailKind[]> = {
		recovery: ['recovery'],
		signup: ['confirmation'],
		email: ['confirmation', 'recovery']
	};
	const tried = Object.hasOwn(kinds, type) ? kinds[type] : undefined;
	if (!tried) throw badRequest('validation_failed', `Verify type ${type || '(none)'} is not supported here`);
	let userId: string | undefined;
	for (const kind of tried) {
		userId ??= await store.takeLinkToken(deps.sql, kind, hash, deps.settings.otpExpiry);
	}
	if (!userId) throw expired();
	const user = await store.findUserById(deps.sql, userId);
	if (!user) throw expired();
	if (isBanned(user)) throw forbidden('user_banned', 'User is banned');
	return signIn(c, deps, userId);
}

const verifyBody = z.looseObject({
	type: optionalString,
	token_hash: optionalString,
	token: optionalString,
	email: optionalString
});

export async function verifyPost(c: Context, deps: AuthDeps) {
	const body = await readJson(c, verifyBody);
	// A six-digit code from the mail comes with the address; a link's hash on its own.
	const hash = body.token_hash || (body.token && body.email ? tokenHash(validateEmail(body.email), body.token) : '');
	if (!hash) throw badRequest('validation_failed', 'Verify requires a token_hash, or a token with an email');
	return c.json(await verifyLink(c, deps, body.type, hash));
}

export async function verifyGet(c: Context, deps: AuthDeps) {
	const target = new URL(redirectTarget(deps, c.req.query('redirect_to')));
	const type = c.req.query('type') ?? '';
	try {
		const session = await verifyLink(c, deps, type, c.req.query('token') ?? '');
		target.hash = new URLSearchParams({
			access_token: session.access_token,
			expires_at: String(session.expires_at),
			expires_in: String(session.expires_in),
			refresh_token: session.refresh_token,
			token_type: 'bearer',
			type
		}).toString();
	} catch (error) {
		if (!(error instanceof AuthError)) throw error;
		target.hash = new URLSearchParams({
			error: 'access_denied',
			error_code: error.code,
			error_description: error.code === 'otp_expired' ? 'Email link is invalid or has expired' : error.message
		}).toString();
	}
	return c.redirect(target.href, 303);
}
