import type { Handle } from '@sveltejs/kit';

/** Headers every response carries; the CSP itself comes from kit.csp in svelte.config.js. */
export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	return response;
};
