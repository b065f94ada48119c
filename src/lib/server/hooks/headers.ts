import type { Handle } from '@sveltejs/kit';

/** Headers every response carries; the CSP itself comes from kit.csp in svelte.config.js. */
export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	// What a signed-in person is sent is theirs alone, and no cache keeps it: without this, Back
	// after signing out (on a shared computer, say) showed their last chat again, from the
	// browser's back-forward cache. Responses that say otherwise (an attachment's) keep their own.
	if (event.locals.user && !response.headers.has('cache-control')) {
		response.headers.set('cache-control', 'private, no-store');
	}
	return response;
};
