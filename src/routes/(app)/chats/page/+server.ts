// The chat list's next page, for the browser's scrolling list; without JavaScript the layout
// pages through ?chats=<cursor> instead.
import { json } from '@sveltejs/kit';
import { parseCursor } from '$lib/chat/chat-list';
import { listSessions } from '$lib/server/chat/sessions';
import { jsonFailure } from '$lib/server/respond';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const after = parseCursor(event.url.searchParams.get('after'));
	if (!after)
		return json(
			{ error: { code: 'bad_request:body', message: 'That page of chats does not exist.' } },
			{ status: 400 }
		);
	try {
		return json(await listSessions(event.locals.supabase, after));
	} catch (cause) {
		return jsonFailure(event, cause);
	}
};
