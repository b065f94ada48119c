import { listSessions } from '$lib/server/chat/sessions';
import { describeFailure, failureText } from '$lib/server/errors';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const email = event.locals.user?.email ?? null;
	try {
		return { email, sessions: await listSessions(event.locals.supabase), sessionsError: null };
	} catch (cause) {
		// The chat list is not worth the page: a failed send re-renders here, and the composer
		// must come back with what was typed even while the database is away.
		const failure = describeFailure(cause, `listing chats for ${event.url.pathname}`);
		return { email, sessions: [], sessionsError: failureText(failure) };
	}
};
