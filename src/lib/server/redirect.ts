// Where to send someone after signing in. Only paths on this site are honoured, so a crafted
// link cannot bounce a fresh session to another origin.
const FALLBACK = '/chat';
const SITE = new URL('http://parley.invalid');

/**
 * The path to redirect to, or the fallback. The check runs on what is returned, not on what came
 * in: URL parsing collapses `/.//evil.com`, `/%2e//evil.com` and `/./\evil.com` into `//evil.com`,
 * which a browser reads as another host.
 */
export function safeRedirectPath(value: string | null | undefined, fallback = FALLBACK): string {
	if (!value?.startsWith('/')) return fallback;
	let target: URL;
	try {
		target = new URL(value, SITE);
	} catch {
		return fallback;
	}
	if (target.origin !== SITE.origin) return fallback;
	const path = target.pathname + target.search + target.hash;
	return isPathAbsolute(path) ? path : fallback;
}

/** `/chat`, not the scheme-relative `//host` or `/\host` that browsers resolve to another site. */
function isPathAbsolute(path: string): boolean {
	return path.startsWith('/') && path[1] !== '/' && path[1] !== '\\';
}

export function loginPath(returnTo: string, reason?: 'session-ended'): string {
	const params = new URLSearchParams({ redirectTo: returnTo });
	if (reason) params.set('reason', reason);
	return `/login?${params}`;
}
