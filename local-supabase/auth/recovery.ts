// Password recovery, as GoTrue does it: POST /recover mails a single-use link, and /verify spends
// it for a session, either as JSON (POST, what verifyOtp calls with a token_hash) or as a
// redirect with the session in the URL fragment (GET, the link of GoTrue's default template).
import { createHash, randomInt } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AuthDeps } from './context.ts';
import { optionalString, readJson, validateEmail } from './context.ts';
import { AuthError, badRequest, forbidden } from './errors.ts';
import { sendMail } from './mailer.ts';
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

const recoverBody = z.looseObject({ email: optionalString });

export async function recover(c: Context, deps: AuthDeps) {
	const { email: given } = await readJson(c, recoverBody);
	const email = validateEmail(given);
	const user = await store.findUserByEmail(deps.sql, email, 'authenticated');
	// GoTrue answers an unknown address as it answers a known one, so no one learns which exist.
	if (!user || !user.email) return c.json({});
	const sentAt = user.recovery_sent_at?.getTime();
	const wait = deps.settings.emailMaxFrequency;
	if (sentAt && Date.now() - sentAt < wait * 1000) {
		const left = Math.ceil((sentAt + wait * 1000 - Date.now()) / 1000);
		throw new AuthError(
			429,
			'over_email_send_rate_limit',
			`For security purposes, you can only request this after ${left} seconds.`
		);
	}
	const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
	const hash = tokenHash(user.email, otp);
	const redirectTo = redirectTarget(deps, c.req.query('redirect_to'));
	const verifyUrl = new URL(`${deps.settings.issuer}/verify`);
	verifyUrl.search = new URLSearchParams({ token: hash, type: 'recovery', redirect_to: redirectTo }).toString();
	await store.setRecoveryToken(deps.sql, user.id, hash);
	await sendMail(deps.settings, 'recovery', user.email, {
		ConfirmationURL: verifyUrl.href,
		Token: otp,
		TokenHash: hash,
		SiteURL: deps.settings.siteUrl,
		RedirectTo: redirectTo,
		Email: user.email
	});
	return c.json({});
}

const expired = () => forbidden('otp_expired', 'Token has expired or is invalid');

/** Spends a recovery token hash and opens a session. Only recovery links exist so far. */
async function verifyRecovery(c: Context, deps: AuthDeps, type: string, hash: string) {
	if (type !== 'recovery')
		throw badRequest('validation_failed', `Verify type ${type || '(none)'} is not supported here`);
	const userId = await store.takeRecoveryToken(deps.sql, hash, deps.settings.otpExpiry);
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
	return c.json(await verifyRecovery(c, deps, body.type, hash));
}

export async function verifyGet(c: Context, deps: AuthDeps) {
	const target = new URL(redirectTarget(deps, c.req.query('redirect_to')));
	try {
		const session = await verifyRecovery(c, deps, c.req.query('type') ?? '', c.req.query('token') ?? '');
		target.hash = new URLSearchParams({
			access_token: session.access_token,
			expires_at: String(session.expires_at),
			expires_in: String(session.expires_in),
			refresh_token: session.refresh_token,
			token_type: 'bearer',
			type: 'recovery'
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
