// Who is asking: resolved once per request from the auth cookies.
import { isAuthRetryableFetchError } from '@supabase/supabase-js';
import type { RequestEvent } from '@sveltejs/kit';
import { logFailure } from './errors';
import { sessionHasVerifiedFactor } from './second-factor';
import { clearAuthCookies, hasAuthCookies } from './supabase';

/**
 * getClaims() verifies the access token locally against the cached JWKS, so an ordinary page
 * view costs the auth server nothing. Only an expired token costs a request: auth-js then
 * refreshes it and hands the new session to the cookie setter.
 */
export async function resolveUser(event: RequestEvent): Promise<Pick<App.Locals, 'user' | 'sessionEnded'>> {
	const arrivedWithSession = hasAuthCookies(event);
	if (!arrivedWithSession) return { user: null, sessionEnded: false };

	const { data, error } = await event.locals.supabase.auth.getClaims();
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
	const isGuest = claims.is_anonymous === true;
	return {
		user: {
			id: claims.sub,
			email: typeof claims.email === 'string' && claims.email !== '' ? claims.email : null,
			isGuest,
			// Signed in with the password alone by someone who has a second factor: the code is next.
			needsSecondFactor: claims.aal !== 'aal2' && !isGuest && sessionHasVerifiedFactor(event)
		},
		sessionEnded: false
	};
}
