import { redirect, type Handle } from '@sveltejs/kit';
import { loginPath } from '../redirect';

/** Everything under /chat is for signed-in people; visitors go to sign in and come back. */
export const authGuard: Handle = ({ event, resolve }) => {
	const { pathname, search } = event.url;
	const isPrivate = pathname === '/chat' || pathname.startsWith('/chat/');
	if (isPrivate && !event.locals.user) {
		redirect(303, loginPath(pathname + search, event.locals.sessionEnded ? 'session-ended' : undefined));
	}
	return resolve(event);
};
