// "Forgot your password?": a mail with a single-use link, and a new password set on Parley's own
// /auth/confirm. The link's token_hash is moved into an HttpOnly cookie and the browser sent on
// at once, so the token never stays in the address bar, in history or in a Referer. It is spent
// only when the new password is saved (a POST): a mail scanner that opens links spends nothing.
import type { RequestEvent } from '@sveltejs/kit';
import { AppError, fromAuth } from './errors';
import { authCookieOptions } from './supabase';

const RESET_COOKIE = 'parley-reset';
const RESET_PATH = '/auth/confirm';
const TOKEN_HASH = /^[0-9a-f]{40,128}$/;

/** Sends the reset mail. An unknown address is answered like a known one, by GoTrue too. */
export async function requestPasswordReset(event: RequestEvent, email: string): Promise<void> {
	const { error } = await event.locals.supabase.auth.resetPasswordForEmail(email, {
		redirectTo: new URL(RESET_PATH, event.url).href
	});
	if (error) throw fromAuth(error);
}

/** The mail's link: keeps its token in a cookie for the next step; false when it carries none. */
export function holdResetToken(event: RequestEvent): boolean {
	const tokenHash = event.url.searchParams.get('token_hash') ?? '';
	if (event.url.searchParams.get('type') !== 'recovery' || !TOKEN_HASH.test(tokenHash)) return false;
	event.cookies.set(RESET_COOKIE, tokenHash, { ...authCookieOptions(event.url), path: RESET_PATH, maxAge: 30 * 60 });
	return true;
}

export const hasResetToken = (event: RequestEvent) => Boolean(event.cookies.get(RESET_COOKIE));

/**
 * Spends the held token for a session, then sets the password. The token works once either way:
 * a password GoTrue refuses after that (the old one again) leaves the person signed in, and a
 * new link is needed for another try. A cookie that says "already verified" would let anyone
 * holding a session set a password without the current one, which the account page asks for.
 */
export async function finishPasswordReset(event: RequestEvent, password: string): Promise<void> {
	const held = event.cookies.get(RESET_COOKIE);
	if (!held) throw new AppError('auth:link_expired');
	forgetResetToken(event);
	const auth = event.locals.supabase.auth;
	const verified = await auth.verifyOtp({ type: 'recovery', token_hash: held });
	if (verified.error) throw fromAuth(verified.error);
	const { error } = await auth.updateUser({ password });
	if (error) throw fromAuth(error);
}

function forgetResetToken(event: RequestEvent): void {
	event.cookies.delete(RESET_COOKIE, { ...authCookieOptions(event.url), path: RESET_PATH });
}
