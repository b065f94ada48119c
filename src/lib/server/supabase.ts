// The per-request Supabase client. It reads and writes the session through SvelteKit's cookies,
// so queries carry the visitor's JWT and RLS sees their auth.uid(). There is deliberately no
// module-level client: one would either carry no JWT (the 42501 failure Parley exists to avoid)
// or someone else's.
import { createServerClient } from '@supabase/ssr';
import type { RequestEvent } from '@sveltejs/kit';
import type { Database } from '$lib/database.types';
import { serverEnv } from './env';

/** Names every auth cookie, chunks included (`sb-parley-auth-token.0`, ...). */
export const AUTH_COOKIE = 'sb-parley-auth-token';

function isLocalhost(url: URL): boolean {
	return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

export function createRequestClient(event: RequestEvent) {
	const { PUBLIC_SUPABASE_URL, supabaseKey } = serverEnv();
	// Tokens live only in these cookies: out of reach of page scripts, not sent on cross-site
	// subrequests, and HTTPS-only wherever the app is not on a developer's own machine.
	const cookieOptions = {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: !isLocalhost(event.url)
	} as const;
	const headersSet = new Set<string>();

	return createServerClient<Database>(PUBLIC_SUPABASE_URL, supabaseKey, {
		cookieOptions: { name: AUTH_COOKIE, ...cookieOptions },
		cookies: {
			getAll: () => event.cookies.getAll(),
			setAll(cookies, headers) {
				for (const { name, value, options } of cookies) {
					event.cookies.set(name, value, { ...options, ...cookieOptions });
				}
				// A response that sets a session must not be cached by a CDN. setAll can run more
				// than once a request (a refresh, then a sign-in), and setHeaders throws on repeats.
				for (const [name, value] of Object.entries(headers ?? {})) {
					if (headersSet.has(name.toLowerCase())) continue;
					headersSet.add(name.toLowerCase());
					event.setHeaders({ [name]: value });
				}
			}
		}
	});
}

/** Removes this visitor's auth cookies without a network call. */
export function clearAuthCookies(event: RequestEvent): void {
	for (const { name } of event.cookies.getAll()) {
		if (name.startsWith(AUTH_COOKIE)) event.cookies.delete(name, { path: '/' });
	}
}

const SESSION_COOKIE = new RegExp(`^${AUTH_COOKIE}(\\.\\d+)?$`);

/** The session cookie, whole or in chunks; PKCE code-verifier cookies do not count. */
export function hasAuthCookies(event: RequestEvent): boolean {
	return event.cookies.getAll().some(({ name }) => SESSION_COOKIE.test(name));
}
