// The links Parley's mails carry: "Forgot your password?" and the address confirmation of a new
// account both finish on Parley's own /auth/confirm. The link's token_hash is moved into an
// HttpOnly cookie and the browser sent on at once, so the token never stays in the address bar,
// in history or in a Referer. It is spent only by a POST from that page (Save password, Confirm
// email): a mail scanner that opens links spends nothing.
import type { RequestEvent } from '@sveltejs/kit';
import { AppError, fromAuth } from './errors';
import { authCookieOptions, createSessionlessClient } from './supabase';

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
	const { error } = await event.locals.auth.resetPasswordForEmail(email, {
		redirectTo: new URL(CONFIRM_PATH, event.url).href
	});
	if (error) throw fromAuth(error);
}

/** Mails the confirmation link again to an address that has not confirmed yet. */
export async function resendConfirmation(event: RequestEvent, email: string): Promise<void> {
	const { error } = await event.locals.auth.resend({
		type: 'signup',
		email,
		options: { emailRedirectTo: new URL(CONFIRM_PATH, event.url).href }
	});
	if (error) throw fromAuth(error);
}

const cookieOptions = (event: RequestEvent) => ({ ...authCookieOptions(event.url), path: CONFIRM_PATH });

/**
 * A held link: its kind and token, and the account it names (the address the mail went to, and
 * for an email change the new one). The page shows the account before anything is spent, and
 * the session the token opens is kept only if it is that account's: a link someone else made for
 * their own account signs no one into it (login CSRF).
 */
export interface HeldLink {
	kind: LinkKind;
	email: string;
	newEmail: string;
}

const ADDRESS = /^[^\s@]{1,200}@[^\s@]{1,200}$/;

function readHeld(event: RequestEvent): (HeldLink & { tokenHash: string }) | null {
	const raw = event.cookies.get(LINK_COOKIE);
	if (!raw) return null;
	try {
		const held = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
		const { kind, tokenHash, email, newEmail } = held;
		if (typeof kind !== 'string' || !Object.values(KINDS).includes(kind as LinkKind)) return null;
		if (typeof tokenHash !== 'string' || !TOKEN_HASH.test(tokenHash)) return null;
		if (typeof email !== 'string' || typeof newEmail !== 'string') return null;
		return { kind: kind as LinkKind, tokenHash, email, newEmail };
	} catch {
		return null;
	}
}

/**
 * The mail's link: keeps its token and the account it names in a cookie for the next step; false
 * when it carries no token, or names no account (a link from before the templates named one).
 */
export function holdLinkToken(event: RequestEvent): boolean {
	const params = event.url.searchParams;
	const tokenHash = params.get('token_hash') ?? '';
	const type = params.get('type') ?? '';
	const email = (params.get('email') ?? '').trim();
	const newEmail = (params.get('new_email') ?? '').trim();
	if (!Object.hasOwn(KINDS, type) || !TOKEN_HASH.test(tokenHash)) return false;
	const kind = KINDS[type];
	// An email change names its new address (a guest's has no old one); the others their account.
	const named =
		kind === 'email_change' ? ADDRESS.test(newEmail) && (!email || ADDRESS.test(email)) : ADDRESS.test(email);
	if (!named) return false;
	const value = Buffer.from(JSON.stringify({ kind, tokenHash, email, newEmail })).toString('base64url');
	event.cookies.set(LINK_COOKIE, value, { ...cookieOptions(event), maxAge: 30 * 60 });
	return true;
}

/** The link this browser holds, if any: its kind and the account it names. */
export function heldLink(event: RequestEvent): HeldLink | null {
	const held = readHeld(event);
	return held && { kind: held.kind, email: held.email, newEmail: held.newEmail };
}

const sameAddress = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

/**
 * Spends the held token. It works once either way: the cookie goes first, so a failure after this
 * needs a new link. A cookie that said "already verified" would let anyone holding a session set
 * a password without the current one, which the account page asks for. The token is spent on a
 * sessionless client, and its session moves into this browser's cookies only when it belongs to
 * the account the page named; otherwise it is signed out at once.
 */
async function spendLink(event: RequestEvent, kind: LinkKind): Promise<{ signedIn: boolean }> {
	const held = readHeld(event);
	if (!held || held.kind !== kind) throw new AppError('auth:link_expired');
	event.cookies.delete(LINK_COOKIE, cookieOptions(event));
	const verifier = createSessionlessClient();
	const { data, error } = await verifier.auth.verifyOtp({ type: kind, token_hash: held.tokenHash });
	if (error) throw fromAuth(error);
	if (!data.session) return { signedIn: false };
	const expected = kind === 'email_change' ? held.newEmail : held.email;
	if (!sameAddress(data.user?.email, expected)) {
		await verifier.auth.signOut({ scope: 'local' }).catch(() => {});
		throw new AppError('auth:link_mismatch');
	}
	const { access_token, refresh_token } = data.session;
	const installed = await event.locals.auth.setSession({ access_token, refresh_token });
	if (installed.error) throw fromAuth(installed.error);
	return { signedIn: true };
}

/** Spends a held reset link, then sets the password. */
export async function finishPasswordReset(event: RequestEvent, password: string): Promise<void> {
	await spendLink(event, 'recovery');
	const { error } = await event.locals.auth.updateUser({ password });
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
	const { error } = await event.locals.auth.updateUser(
		{ email },
		{ emailRedirectTo: new URL(CONFIRM_PATH, event.url).href }
	);
	if (error) throw fromAuth(error);
}
