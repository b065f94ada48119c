import type { Handle } from '@sveltejs/kit';

/**
 * SvelteKit looks a form action up as `actions[name]` without an own-property check, so
 * `?/constructor` or `?/__proto__` finds Object.prototype's members and answers 500. Those names,
 * and the reserved `default`, are refused here as the unknown actions they are.
 */
export const actionNameGuard: Handle = ({ event, resolve }) => {
	if (event.request.method !== 'POST') return resolve(event);
	const name = requestedActionName(event.url);
	if (name !== undefined && (name === 'default' || name in Object.prototype)) {
		return new Response(`No action named "${name}".`, {
			status: 404,
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
	}
	return resolve(event);
};

/** The action a form posts to, found as SvelteKit finds it: the first `?/name` parameter. */
function requestedActionName(url: URL): string | undefined {
	for (const [key] of url.searchParams) if (key.startsWith('/')) return key.slice(1);
	return undefined;
}
