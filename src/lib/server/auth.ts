// Who is asking: resolved once per request from the auth cookies.
import { isAuthRetryableFetchError } from '@supabase/supabase-js';
import type { RequestEvent } from '@sveltejs/kit';
import { logFailure } from './errors';
import { hasVerifiedFactor } from './second-factor';
import { clearAuthCookies, hasAuthCookies, sessionUser, type SessionUser } from './supabase';

type Visitor = Pick<App.Locals, 'user' | 'sessionEnded'>;

/**
 * For a session that access-token.ts could not vouch for: auth-js's getClaims() verifies the
 * access token against the cached JWKS too, and refreshes a token about to expire, handing the new
 * session to the cookie setter (an auth request, once an hour or so); it drops a session that
 * cannot be refreshed or verified.
 */
export async function resolveUser(event: RequestEvent): Promise<Visitor> {
	const arrivedWithSession = hasAuthCookies(event);
	if (!arrivedWithSession) return { user: null, sessionEnded: false };

	const { data, error } = await event.locals.auth.getClaims();
	const claims = data?.claims;
	if (error && isAuthRetryableFetchError(error)) {
		// The auth server is unreachable (a cold isolate without the JWKS, or a refresh that
		// could not be sent). The session may be fine, so keep the cookies and try next time.
		logFailure('resolving the session', error);
		return { user: null, sessionEnded: false };
	}
	if (error || !claims?.sub) {
		// Signed out elsewhere, a revoked refresh token, or a cookie that is not ours: drop it,
		// so the next request starts clean, and say so on the sign-in page.
		clearAuthCookies(event);
		return { user: null, sessionEnded: true };
	}
	return signedIn({ ...claims, sub: claims.sub }, sessionUser(event));
}

/** The person a verified access token's claims name; `storedUser` is the same session's user. */
export function signedIn(
	claims: { sub: string; email?: unknown; is_anonymous?: unknown; aal?: unknown },
	storedUser: SessionUser | null
): Visitor {
	const isGuest = claims.is_anonymous === true;
	return {
		user: {
			id: claims.sub,
			email: typeof claims.email === 'string' && claims.email !== '' ? claims.email : null,
			isGuest,
			// Signed in with the password alone by someone who has a second factor: the code is next.
			needsSecondFactor: claims.aal !== 'aal2' && !isGuest && hasVerifiedFactor(storedUser)
		},
		sessionEnded: false
	};
}
