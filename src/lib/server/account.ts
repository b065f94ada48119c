// The account page's changes: each checks who is asking through the request's own session.
import type { RequestEvent } from '@sveltejs/kit';
import { AppError, fromAuth, fromPostgrest } from './errors';
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
	const { error } = await event.locals.supabase.auth.updateUser({ password: next });
	if (error) throw fromAuth(error);
}

/** Ends every session of the person, this one included. */
export async function signOutEverywhere(event: RequestEvent): Promise<void> {
	const { error } = await event.locals.supabase.auth.signOut({ scope: 'global' });
	if (error) throw fromAuth(error);
	clearAuthCookies(event);
}

/** Deletes the person's account and, through the foreign keys, every chat of theirs. */
export async function deleteMyAccount(event: RequestEvent): Promise<void> {
	const { error } = await event.locals.supabase.rpc('delete_my_account');
	if (error) throw fromPostgrest(error);
	clearAuthCookies(event);
}
