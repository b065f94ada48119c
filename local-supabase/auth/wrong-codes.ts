// A mailed six-digit code is a million guesses wide, and per-IP limits do not hold back a caller
// with many addresses. So each user's codes take a handful of wrong guesses, from anywhere: the
// sixth wrong code for a user spends the codes (and links) they hold, and the right one then
// fails too. GoTrue relies on its per-IP limit alone here; this cap is the local server's own.
//
// Guesses are counted per user and per set of outstanding tokens, so a new mail starts afresh.
// The count lives in memory: a restart of the auth server forgets it.
import type { AuthDeps } from './context.ts';
import * as store from './store.ts';

export const MAX_WRONG_CODES = 5;
// Entries are dropped once they are older than any code can be (otp_expiry is at most a day).
const FORGET_AFTER_MS = 24 * 3600 * 1000;

/** The token columns a /verify type can spend with a code and an address. */
const COLUMNS: Record<string, store.TokenColumn[]> = {
	recovery: ['recovery_token'],
	magiclink: ['recovery_token'],
	signup: ['confirmation_token'],
	invite: ['confirmation_token'],
	email: ['confirmation_token', 'recovery_token'],
	email_change: ['email_change_token_new', 'email_change_token_current']
};

export class WrongCodes {
	private readonly misses = new Map<string, { count: number; at: number }>();

	/**
	 * Records a wrong code for the user the address names; with the sixth, spends their
	 * outstanding tokens of that type. Addresses with nothing outstanding are not counted.
	 */
	async record(deps: AuthDeps, type: string, email: string): Promise<void> {
		const columns = Object.hasOwn(COLUMNS, type) ? COLUMNS[type] : undefined;
		if (!columns) return;
		const held = await store.outstandingTokens(deps.sql, email, columns);
		if (!held) return;
		const key = `${held.userId}:${held.tokens.join(',')}`;
		const now = Date.now();
		const count = (this.misses.get(key)?.count ?? 0) + 1;
		this.misses.set(key, { count, at: now });
		if (this.misses.size > 10_000) this.prune(now);
		if (count <= MAX_WRONG_CODES) return;
		this.misses.delete(key);
		await store.clearTokens(deps.sql, held.userId, columns);
	}

	private prune(now: number) {
		for (const [key, entry] of this.misses) if (now - entry.at > FORGET_AFTER_MS) this.misses.delete(key);
	}
}
