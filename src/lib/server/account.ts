// The account page's changes: each checks who is asking through the request's own session.
import { removeAllFiles } from './attachments/uploads';
import type { RequestEvent } from '@sveltejs/kit';
import type { ChatClient } from './chat/types';
import { AppError, fromAuth, fromPostgrest, logFailure } from './errors';
import { clearAuthCookies, createSessionlessClient } from './supabase';

/**
 * Changes the password after proving the current one. The proof is a sign-in on a throwaway
 * client that keeps no session and is signed out at once; GoTrue then ends the person's other
 * sessions when the password changes.
 */
export async function changePassword(event: RequestEvent, current: string, next: string): Promise<void> {
	const email = event.locals.user?.email;
	if (!email) throw new AppError('unauthorized:session');
	const probe = createSessionlessClient();
	const proof = await probe.auth.signInWithPassword({ email, password: current });
	if (proof.error) {
		throw proof.error.code === 'invalid_credentials' ? new AppError('auth:wrong_password') : fromAuth(proof.error);
	}
	await probe.auth.signOut({ scope: 'local' });
	const { error } = await event.locals.auth.updateUser({ password: next });
	if (error) throw fromAuth(error);
}

/**
 * Makes a guest a member: the email and password go on the same user, so every chat stays. With
 * email confirmations on, the address waits for its link and the person stays a guest until then;
 * otherwise the session is renewed at once, so its token stops saying "anonymous".
 */
export async function createAccountForGuest(
	event: RequestEvent,
	email: string,
	password: string
): Promise<'created' | 'confirmation-sent'> {
	if (!event.locals.user?.isGuest) throw new AppError('auth:rejected', { message: 'You have an account already.' });
	const { data, error } = await event.locals.auth.updateUser({ email, password });
	if (error) throw fromAuth(error);
	if (data.user.is_anonymous) return 'confirmation-sent';
	const renewed = await event.locals.auth.refreshSession();
	if (renewed.error) throw fromAuth(renewed.error);
	return 'created';
}

/** Ends every session of the person, this one included. */
export async function signOutEverywhere(event: RequestEvent): Promise<void> {
	const { error } = await event.locals.auth.signOut({ scope: 'global' });
	if (error) throw fromAuth(error);
	clearAuthCookies(event);
}

/**
 * Deletes the person's account and, through the foreign keys, every chat of theirs; their files
 * first, from Storage, which the foreign keys do not reach.
 */
export async function deleteMyAccount(event: RequestEvent): Promise<void> {
	if (event.locals.user) await removeAllFiles(event.locals.supabase, event.locals.user.id);
	const { error } = await event.locals.supabase.rpc('delete_my_account');
	if (error) throw fromPostgrest(error);
	clearAuthCookies(event);
}

export interface Usage {
	plan: 'member' | 'guest';
	used: number;
	limit: number;
	periodSeconds: number;
}

/** The person's replies in the current period and their allowance; null when it cannot be read. */
export async function myUsage(client: ChatClient): Promise<Usage | null> {
	const { data, error } = await client.rpc('my_usage');
	const row = data?.[0];
	if (error || !row) {
		if (error) logFailure('reading usage for the account page', fromPostgrest(error));
		return null;
	}
	return {
		plan: row.plan === 'guest' ? 'guest' : 'member',
		used: row.replies_used,
		limit: row.replies_per_period,
		periodSeconds: row.period_seconds
	};
}
