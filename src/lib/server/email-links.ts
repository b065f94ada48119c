// The links Parley's mails carry: "Forgot your password?" and the address confirmation of a new
// account both finish on Parley's own /auth/confirm. The link's token_hash is moved into an
// HttpOnly cookie and the browser sent on at once, so the token never stays in the address bar,
// in history or in a Referer. It is spent only by a POST from that page (Save password, Confirm
// email): a mail scanner that opens links spends nothing.
import type { RequestEvent } from '@sveltejs/kit';
import { AppError, fromAuth } from './errors';
import { authCookieOptions } from './supabase';

const LINK_COOKIE = 'parley-link';
const CONFIRM_PATH = '/auth/confirm';
const TOKEN_HASH = /^[0-9a-f]{40,128}$/;

/**
 * What a held link does: set a new password, confirm the address (GoTrue's `email` type), or
 * confirm one side of an email change.
 */
export type LinkKind = 'recovery' | 'email' | 'email_change';

// The SSR guide's templates say type=email; older ones, and GoTrue's own links, say signup.
const KINDS: Record<string, LinkKind> = {
	recovery: 'recovery',
	email: 'email',
	signup: 'email',
	email_change: 'email_change'
};

/** Sends the reset mail. An unknown address is answered like a known one, by GoTrue too. */
export async function requestPasswordReset(event: RequestEvent, email: string): Promise<void> {
	const { error } = await event.locals.supabase.auth.resetPasswordForEmail(email, {
		redirectTo: new URL(CONFIRM_PATH, event.url).href
	});
	if (error) throw fromAuth(error);
}

/** Mails the confirmation link again to an address that has not confirmed yet. */
export async function resendConfirmation(event: RequestEvent, email: string): Promise<void> {
	const { error } = await event.locals.supabase.auth.resend({
		type: 'signup',
		email,
		options: { emailRedirectTo: new URL(CONFIRM_PATH, event.url).href }
	});
	if (error) throw fromAuth(error);
}

const cookieOptions = (event: RequestEvent) => ({ ...authCookieOptions(event.url), path: CONFIRM_PATH });

/** The mail's link: keeps its token in a cookie for the next step; false when it carries none. */
export function holdLinkToken(event: RequestEvent): boolean {
	const tokenHash = event.url.searchParams.get('token_hash') ?? '';
	const type = event.url.searchParams.get('type') ?? '';
	if (!Object.hasOwn(KINDS, type) || !TOKEN_HASH.test(tokenHash)) return false;
	const kind = KINDS[type];
	event.cookies.set(LINK_COOKIE, `${kind}.${tokenHash}`, { ...cookieOptions(event), maxAge: 30 * 60 });
	return true;
}

/** The kind of link this browser holds, if any. */
export function heldLinkKind(event: RequestEvent): LinkKind | null {
	const [kind] = (event.cookies.get(LINK_COOKIE) ?? '').split('.');
	return Object.values(KINDS).find((known) => known === kind) ?? null;
}

/**
 * Spends the held token for a session. It works once either way: the cookie goes first, so a
 * failure after this needs a new link. A cookie that said "already verified" would let anyone
 * holding a session set a password without the current one, which the account page asks for.
 */
async function spendLink(event: RequestEvent, kind: LinkKind): Promise<{ signedIn: boolean }> {
	const [heldKind, tokenHash] = (event.cookies.get(LINK_COOKIE) ?? '').split('.');
	if (heldKind !== kind || !tokenHash) throw new AppError('auth:link_expired');
	event.cookies.delete(LINK_COOKIE, cookieOptions(event));
	const { data, error } = await event.locals.supabase.auth.verifyOtp({ type: kind, token_hash: tokenHash });
	if (error) throw fromAuth(error);
	return { signedIn: Boolean(data.session) };
}

/** Spends a held reset link, then sets the password. */
export async function finishPasswordReset(event: RequestEvent, password: string): Promise<void> {
	await spendLink(event, 'recovery');
	const { error } = await event.locals.supabase.auth.updateUser({ password });
	if (error) throw fromAuth(error);
}

/** Spends a held confirmation link: the address is confirmed and the person signed in. */
export async function confirmEmail(event: RequestEvent): Promise<void> {
	await spendLink(event, 'email');
}

/**
 * Spends one side of an email change. 'waiting' when the other address must confirm too (GoTrue
 * answers that half with a message and no session); 'changed' once the account has moved.
 */
export async function confirmEmailChange(event: RequestEvent): Promise<'changed' | 'waiting'> {
	const { signedIn } = await spendLink(event, 'email_change');
	return signedIn ? 'changed' : 'waiting';
}

/** Asks for the account to move to a new address; the change waits for the mailed links. */
export async function requestEmailChange(event: RequestEvent, email: string): Promise<void> {
	const { error } = await event.locals.supabase.auth.updateUser(
		{ email },
		{ emailRedirectTo: new URL(CONFIRM_PATH, event.url).href }
	);
	if (error) throw fromAuth(error);
}
