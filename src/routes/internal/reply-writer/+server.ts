// The ReplyWriter Durable Object's way into the app (worker/index.ts). The object imports this
// module from the build, where a route's module has a path that does not change, and calls
// _writeReply with the turn it was given: the reply is written without going through SvelteKit's
// request handling a second time (the hooks, the routing, a Request and a Response in between).
// No request reaches the writer: to one from outside, this route is a 404.
import { error } from '@sveltejs/kit';
import type { PostedMessage } from '$lib/server/chat/messages';
import { replyStream } from '$lib/server/chat/stream';
import type { RequestHandler } from './$types';

/** The events of the turn's reply, as the object relays them (see $lib/chat/stream-protocol). */
export const _writeReply = (turn: PostedMessage, platform: App.Platform): Promise<ReadableStream<Uint8Array>> =>
	replyStream({ platform }, turn);

export const fallback: RequestHandler = () => error(404, 'Not found');
