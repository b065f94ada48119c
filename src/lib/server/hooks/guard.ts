import { redirect, type Handle } from '@sveltejs/kit';
import { loginPath } from '../redirect';

/**
 * Every route in the (app) group is for signed-in people; visitors go to sign in and come back.
 * The decision follows the route SvelteKit matched, not the URL's spelling: `/%63hat` is `/chat`.
 */
export const authGuard: Handle = ({ event, resolve }) => {
	const isPrivate = event.route.id?.startsWith('/(app)/') ?? false;
	if (isPrivate && !event.locals.user) {
		const { pathname, search } = event.url;
		redirect(303, loginPath(pathname + search, event.locals.sessionEnded ? 'session-ended' : undefined));
	}
	// A password alone does not open the app for someone with a second factor: the code does.
	if (isPrivate && event.locals.user?.needsSecondFactor) {
		const { pathname, search } = event.url;
		redirect(303, `/login/code?redirectTo=${encodeURIComponent(pathname + search)}`);
	}
	return resolve(event);
};
