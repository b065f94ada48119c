// The ReplyWriter Durable Object's way into the app (worker/index.ts). The object imports this
// module from the build, where a route's module has a path that does not change, and calls
// _writeReply with the turn it was given: the reply is written without going through SvelteKit's
// request handling a second time (the hooks, the routing, a Request and a Response in between).
// No request reaches the writer: to one from outside, this route is a 404.
import { error } from '@sveltejs/kit';
import type { PostedMessage } from '$lib/server/chat/messages';
import { abortLocally } from '$lib/server/chat/reply-control';
import { replyStream } from '$lib/server/chat/stream';
import type { RequestHandler } from './$types';

/**
 * How often the object's writer stores what has arrived. Followers read the object's memory, not
 * the database (reply-writer.ts), and a stop reaches the object directly (_stopReply), so the
 * stored text matters only to a page loaded without JavaScript (which refreshes every 2 s) and to
 * a reply whose object died: a write a second at most, where the database's followers need four.
 */
const OBJECT_PROGRESS_MS = 1000;

/** The events of the turn's reply, as the object relays them (see $lib/chat/stream-protocol). */
export const _writeReply = (turn: PostedMessage, platform: App.Platform): Promise<ReadableStream<Uint8Array>> =>
	replyStream({ platform }, turn, OBJECT_PROGRESS_MS);

/** Stops the reply if the object is writing it (the stop is recorded in the database already). */
export const _stopReply = (replyId: string): boolean => abortLocally(replyId);

export const fallback: RequestHandler = () => error(404, 'Not found');
