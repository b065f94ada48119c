import { redirect } from '@sveltejs/kit';
import { clearAuthCookies } from '$lib/server/supabase';
import type { RequestHandler } from './$types';

/** Signs this browser out. POST only: a GET (a link, an <img>) must not end anyone's session. */
export const POST: RequestHandler = async (event) => {
	if (event.locals.user) {
		// Local scope ends this device's session and leaves the person's other devices signed in.
		const { error } = await event.locals.auth.signOut({ scope: 'local' });
		if (error) clearAuthCookies(event);
	}
	redirect(303, '/login?reason=signed-out');
};
