// Refuses state-changing requests from other origins. SvelteKit's own check covers form posts
// only; this one also covers JSON and the streaming endpoint, which would otherwise let any
// site spend a signed-in visitor's tokens with a fetch() carrying their cookies.
import type { Handle } from '@sveltejs/kit';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const originGuard: Handle = ({ event, resolve }) => {
	if (SAFE_METHODS.has(event.request.method)) return resolve(event);
	const origin = event.request.headers.get('origin');
	if (origin === event.url.origin) return resolve(event);
	const message = 'Cross-site requests are refused. Reload Parley and try again from its own page.';
	const wantsJson = event.request.headers.get('accept')?.includes('application/json');
	return wantsJson
		? Response.json({ error: { code: 'forbidden:origin', message } }, { status: 403 })
		: new Response(message, { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
};
