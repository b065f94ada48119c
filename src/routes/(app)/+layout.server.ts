import { knownTimeZone, parseCursor } from '$lib/chat/chat-list';
import { TIME_ZONE_COOKIE } from '$lib/chat/time-zone';
import { listChatsForLayout } from '$lib/server/chat/page-reads';
import { describeFailure, failureText } from '$lib/server/errors';
import { loadView } from '$lib/lazy-views.svelte';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	// The chat list's Rename and Delete, which a page renders open without JavaScript (?rename=,
	// ?delete=); in the browser they load when asked for (ChatList).
	await loadView('chatRow');
	const email = event.locals.user?.email ?? null;
	const isGuest = event.locals.user?.isGuest ?? false;
	// Without JavaScript, "More" pages the chat list through ?chats=<cursor>.
	const after = parseCursor(event.url.searchParams.get('chats'));
	const list = {
		email,
		isGuest,
		timeZone: knownTimeZone(event.cookies.get(TIME_ZONE_COOKIE)),
		now: Date.now(),
		paged: after !== null
	};
	try {
		const page = await listChatsForLayout(event, after);
		return { ...list, sessions: page.chats, nextCursor: page.next, sessionsError: null };
	} catch (cause) {
		// The chat list is not worth the page: a failed send re-renders here, and the composer
		// must come back with what was typed even while the database is away.
		const failure = describeFailure(cause, `listing chats for ${event.url.pathname}`);
		return { ...list, sessions: [], nextCursor: null, sessionsError: failureText(failure) };
	}
};
