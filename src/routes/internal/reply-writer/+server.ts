// The writer's side of the ReplyWriter Durable Object (worker/index.ts): the object hands this
// app the turn it was given, and relays the events. The turn arrives in platform.env, which
// only the object sets; no request from outside can reach this, and to it the route is a 404.
import { error } from '@sveltejs/kit';
import { STREAM_CONTENT_TYPE } from '$lib/chat/stream-protocol';
import type { PostedMessage } from '$lib/server/chat/messages';
import { replyStream } from '$lib/server/chat/stream';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const turn = event.platform?.env?.PARLEY_REPLY_TURN as PostedMessage | undefined;
	if (!turn || typeof turn !== 'object') error(404, 'Not found');
	return new Response(await replyStream(event, turn), {
		headers: { 'content-type': STREAM_CONTENT_TYPE, 'cache-control': 'no-store' }
	});
};
