// Where to send someone after signing in. Only paths on this site are honoured, so a crafted
// link cannot bounce a fresh session to another origin.
const FALLBACK = '/chat';

export function safeRedirectPath(value: string | null | undefined, fallback = FALLBACK): string {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
	try {
		const base = new URL('http://parley.invalid');
		const target = new URL(value, base);
		if (target.origin !== base.origin) return fallback;
		return target.pathname + target.search + target.hash;
	} catch {
		return fallback;
	}
}

export function loginPath(returnTo: string, reason?: 'session-ended'): string {
	const params = new URLSearchParams({ redirectTo: returnTo });
	if (reason) params.set('reason', reason);
	return `/login?${params}`;
}
