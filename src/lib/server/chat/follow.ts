// Following a reply, for a tab that did not start it (a reload, a second tab, another device):
// the same NDJSON events as the streaming endpoint, beginning with everything written so far. A
// GET with no side effects. On Cloudflare the reply's Durable Object relays its events from
// memory (reply-writer.ts). Under vite dev, or when the object holds none, the database is read:
// the stored text is at most ~250 ms behind the model (ai/reply.ts writes it in batches; an
// object, whose followers need no such writes, stores it once a second), and this reads it every
// 250 ms, until the reply ends, its writer is gone, or ten minutes have passed (the page can
// follow again).
import type { StreamEvent } from '$lib/chat/stream-protocol';
import type { ReplyTools } from '$lib/chat/tool-calls';
import { AppError, describeFailure, failureText, fromPostgrest } from '../errors';
import type { ChatClient } from './types';

const POLL_MS = 250;
const MAX_FOLLOW_MS = 10 * 60_000;
// A few missed reads (a database blip) are ridden out before the follower gives up.
const MAX_FAILED_READS = 8;

interface ReplyState {
	session_id: string;
	status: string;
	content: string;
	reasoning: string;
	model: string | null;
	is_live: boolean;
	tools: ReplyTools | null;
}

async function readReply(client: ChatClient, replyId: string): Promise<ReplyState> {
	const { data, error } = await client
		.from('chat_messages')
		.select('session_id, status, content, reasoning, model, is_live, tools')
		.eq('id', replyId)
		.eq('role', 'assistant')
		.maybeSingle();
	if (error) throw fromPostgrest(error, 'not_found:reply');
	if (!data) throw new AppError('not_found:reply');
	return data as ReplyState;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where a follower's events come from: the reply's writer, or the database. */
export type FollowSource = 'durable-object' | 'database';

/**
 * The reply's events. Reads the reply once before answering, so a foreign or unknown id is a
 * 404; a reply still being written is followed from its writer when `fromWriter` has it, else
 * from the database.
 */
export async function followReply(
	client: ChatClient,
	replyId: string,
	fromWriter?: () => Promise<ReadableStream<Uint8Array> | null>
): Promise<{ events: ReadableStream<Uint8Array>; source: FollowSource }> {
	const first = await readReply(client, replyId);
	if (fromWriter && first.status === 'streaming' && first.is_live) {
		const events = await fromWriter();
		if (events) return { events, source: 'durable-object' };
	}
	return { events: pollReply(client, replyId, first), source: 'database' };
}

function pollReply(client: ChatClient, replyId: string, first: ReplyState): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	let cancelled = false;

	return new ReadableStream<Uint8Array>({
		async start(controller) {
			// The browser may leave between a read and a send; that ends the follow, and is no failure.
			const send = (event: StreamEvent) => {
				if (cancelled) return;
				try {
					controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
				} catch {
					cancelled = true;
				}
			};
			const ends = Date.now() + MAX_FOLLOW_MS;
			let state = first;
			let sent = 0;
			let thought = 0;
			let failedReads = 0;
			let toolsSent = 'null';
			send({ type: 'start', sessionId: state.session_id, replyId, model: state.model ?? '' });
			try {
				for (;;) {
					// The thinking first: a reply's thinking comes before its answer.
					if (state.reasoning.length > thought) {
						send({ type: 'reasoning', text: state.reasoning.slice(thought) });
						thought = state.reasoning.length;
					}
					const tools = JSON.stringify(state.tools);
					if (state.tools && tools !== toolsSent) {
						send({ type: 'tools', tools: state.tools });
						toolsSent = tools;
					}
					if (state.content.length > sent) {
						send({ type: 'delta', text: state.content.slice(sent) });
						sent = state.content.length;
					}
					if (state.status === 'complete') return send({ type: 'done' });
					if (state.status === 'stopped') return send({ type: 'stopped' });
					if (state.status === 'error')
						return send({ type: 'error', message: 'This reply failed before it finished.' });
					if (!state.is_live)
						return send({ type: 'error', message: 'This reply was interrupted: its writer stopped.' });
					if (Date.now() > ends) return send({ type: 'error', message: 'Still being written: reload to follow it.' });
					await sleep(POLL_MS);
					if (cancelled) return;
					try {
						state = await readReply(client, replyId);
						failedReads = 0;
					} catch (cause) {
						if (++failedReads < MAX_FAILED_READS && cause instanceof AppError && cause.status >= 500) continue;
						throw cause;
					}
				}
			} catch (cause) {
				const failure = describeFailure(cause, `following reply ${replyId}`);
				send({ type: 'error', message: `Following this reply failed. ${failureText(failure)}` });
			} finally {
				if (!cancelled) controller.close();
			}
		},
		cancel() {
			cancelled = true;
		}
	});
}
