// Where a reply is written. On Cloudflare (the REPLY_WRITER binding, see worker/index.ts) a
// person's replies are written in a Durable Object of theirs: a request's waitUntil ends 30 s
// after its browser leaves, but a Durable Object keeps running while the model's stream and the
// database writes are pending, however long the reply. Under vite dev, and wherever the binding is
// missing, the request's own process writes it and simply runs on (a Node server does not stop).
// Either way the events are the same NDJSON (see stream.ts), and what is written does not
// depend on anyone reading them.
import type { RequestEvent } from '@sveltejs/kit';
import type { StreamEvent } from '$lib/chat/stream-protocol';
import { withImageLinks } from '../attachments/history';
import { AppError } from '../errors';
import type { PostedMessage } from './messages';
import { abortLocally } from './reply-control';
import { replyStream } from './stream';

/** The binding's name in wrangler.toml. */
const BINDING = 'REPLY_WRITER';

/** The object's methods, called over the binding (worker/index.ts's ReplyWriter). */
interface ReplyWriterObject {
	write(replyId: string, turn: unknown): Promise<ReadableStream<Uint8Array>>;
	follow(replyId: string): Promise<ReadableStream<Uint8Array> | null>;
	stop(replyId: string): Promise<boolean>;
}

/**
 * The object that writes a person's replies, in every chat and tab; null without the binding.
 * One per person rather than one per reply: an object is made the first time its name is used,
 * and making one for every reply cost every message that making (under wrangler dev, a SQLite
 * database on disk each time; `bench:cpu-split` measured 2–3 ms of CPU a message against one
 * object kept for many).
 */
function writerObject(event: RequestEvent): ReplyWriterObject | null {
	const namespace = event.platform?.env?.[BINDING] as DurableObjectNamespace | undefined;
	if (!namespace) return null;
	// Replies are written and followed only for someone signed in (the (app) routes and the API
	// check first); without a person there is no object to name.
	const person = event.locals.user?.id;
	if (!person) throw new AppError('unauthorized:session');
	return namespace.get(namespace.idFromName(person)) as unknown as ReplyWriterObject;
}

/** Who writes a reply; the streaming endpoint names it in the X-Reply-Writer header. */
export type ReplyWriterKind = 'durable-object' | 'request';

/** Starts writing a new turn's reply, and returns its events. */
export async function startReply(
	event: RequestEvent,
	posted: PostedMessage
): Promise<{ events: ReadableStream<Uint8Array>; writer: ReplyWriterKind }> {
	// The history's images get links, made now with the person's token, for the writer to fetch them.
	const turn = { ...posted, history: await withImageLinks(event.locals.supabase, posted.history) };
	const writer = writerObject(event);
	if (!writer) return { events: await replyStream(event, turn), writer: 'request' };
	// The turn carries the reply's writer token, which can write this one reply and nothing else;
	// it goes over the binding, never the network, and the object keeps it in memory only.
	const events = await writer.write(turn.replyId, turn).catch((cause: unknown) => {
		throw new AppError('internal', { message: 'The reply writer could not start the reply.', cause });
	});
	return { events, writer: 'durable-object' };
}

/**
 * Waits until a reply has ended (not for its title), or waits on the person's answer to a tool
 * call: what a form post without JavaScript does before it redirects, so the page it lands on
 * shows the reply, or the call to answer. The writer goes on if this request is cut off meanwhile.
 */
export async function replyEnded(
	events: ReadableStream<Uint8Array>,
	/** A call just answered: the events replayed from before the answer still show it waiting. */
	answered?: string
): Promise<void> {
	const reader = events.getReader();
	const decoder = new TextDecoder();
	let buffered = '';
	try {
		for (;;) {
			const { value, done } = await reader.read();
			if (done) return;
			buffered += decoder.decode(value, { stream: true });
			const lines = buffered.split('\n');
			buffered = lines.pop() ?? '';
			const ended = lines.some((line) => {
				if (!line.trim()) return false;
				const event = JSON.parse(line) as StreamEvent;
				if (event.type === 'tools') {
					return event.tools.calls.some((call) => call.status === 'awaiting' && call.id !== answered);
				}
				return event.type === 'done' || event.type === 'stopped' || event.type === 'error';
			});
			if (ended) return;
		}
	} finally {
		// Leaving the rest unread does not stop the writer: the title is still written.
		void reader.cancel().catch(() => {});
	}
}

/**
 * The events of a reply being written, from its Durable Object, which relays them to followers
 * from memory: no database reads. Null where there is no such object (vite dev), or it holds no
 * events (it restarted): then the follower reads the database. The caller has checked, under
 * RLS, that the reply is the person's own.
 */
export async function followFromWriter(
	event: RequestEvent,
	replyId: string
): Promise<ReadableStream<Uint8Array> | null> {
	const writer = writerObject(event);
	if (!writer) return null;
	return writer.follow(replyId).catch(() => null);
}

/**
 * Ends a reply's model call where it is being written, at once: in the person's Durable Object,
 * or in this process without one. Call it only once the stop is recorded in the database, under
 * RLS (a foreign id never gets here); a writer this cannot reach hears the stop at its next
 * progress write instead.
 */
export async function stopWriting(event: RequestEvent, replyId: string): Promise<void> {
	const writer = writerObject(event);
	if (!writer) {
		abortLocally(replyId);
		return;
	}
	await writer.stop(replyId).catch(() => false);
}
