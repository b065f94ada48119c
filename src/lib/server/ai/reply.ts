// Writes one assistant reply: streams it from the model and stores the outcome. Both the
// no-JavaScript form action (which waits for the end) and the streaming endpoint (which relays
// each delta) go through here, so a reply is saved the same way whichever path asked for it.
import { streamText, type ModelMessage } from 'ai';
import { finishReply, saveReplyProgress, type ProgressVerdict, type ReplyWriter } from '../chat/messages';
import { claimReply } from '../chat/reply-control';
import type { HistoryMessage } from '../chat/types';
import { logFailure } from '../errors';
import { fitToContext } from './context';
import type { ChatModel } from './registry';
import type { TitleJob } from './title';

export interface ReplyRequest {
	/** Stores the reply with its writer token, never with the person's own tokens (see chat/messages.ts). */
	writer: ReplyWriter;
	chatModel: ChatModel;
	replyId: string;
	history: HistoryMessage[];
	timeoutMs: number;
	/** The operator's prompt and the chat's own, joined (see chat/turn.ts). */
	systemPrompt?: string;
	/** Aborts the model call; the partial reply is kept. (A browser going away does not.) */
	signal?: AbortSignal;
	/** Set for a chat's first reply: once it is complete, the model gives the chat a title. */
	title?: TitleJob;
}

export interface ReplyOutcome {
	/** stopped: the person asked for it to stop; what was written is kept. */
	status: 'complete' | 'error' | 'stopped';
	content: string;
	/** The model's thinking, kept apart from the answer; empty for a model that does not think. */
	reasoning: string;
	/** How long the thinking took, or null with none. */
	reasoningMs: number | null;
	/** Set when status is error; safe to show. */
	message?: string;
}

/** A piece of the reply as it arrives: words of the answer, or of the thinking before it. */
export interface ReplyPiece {
	kind: 'text' | 'reasoning';
	text: string;
}

/**
 * The model sees what the person saw: finished replies, and the part of a stopped one that was
 * kept; not the reply being written, nor failed ones. Only the operator's prompt is a system
 * message; no row of the table can become one. Thinking is never sent back: the providers Parley
 * speaks to need it again only within a turn that calls tools (Anthropic's extended thinking),
 * and a turn here is one call.
 */
export function modelMessages(history: HistoryMessage[], replyId: string): ModelMessage[] {
	return history.flatMap((message): ModelMessage[] => {
		if (message.id === replyId) return [];
		if (message.role === 'user') return [{ role: 'user', content: message.content }];
		const kept = message.status === 'complete' || message.status === 'stopped';
		if (message.role === 'assistant' && kept && message.content) {
			return [{ role: 'assistant', content: message.content }];
		}
		return [];
	});
}

// What has arrived is stored at most this long after it arrived, so a reload or another tab
// can pick the reply up from the database.
const PROGRESS_INTERVAL_MS = 250;
// While the model thinks and sends nothing, a write this often says the writer is alive; the
// database counts a writer gone after 30 s (private.writer_timeout).
const HEARTBEAT_MS = 10_000;

/**
 * The writer's batched progress writes: one round trip per interval at most, never awaited by
 * the stream. Each tells the writer whether a stop was asked for, or the reply is no longer its.
 */
function progressWriter(request: ReplyRequest, onVerdict: (verdict: ProgressVerdict) => void) {
	let text = '';
	let thought = '';
	let savedAt = 0;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let inFlight: Promise<void> | undefined;
	const save = () => {
		timer = undefined;
		if (inFlight) return schedule();
		savedAt = Date.now();
		inFlight = saveReplyProgress(request.writer, text, thought)
			.then(onVerdict)
			// A missed progress write costs a resuming tab a moment; the final write retries.
			.catch(() => {})
			.finally(() => (inFlight = undefined));
	};
	const schedule = () => {
		timer ??= setTimeout(save, Math.max(0, savedAt + PROGRESS_INTERVAL_MS - Date.now()));
	};
	const heartbeat = setInterval(schedule, HEARTBEAT_MS);
	return {
		update(content: string, reasoning: string) {
			text = content;
			thought = reasoning;
			schedule();
		},
		/** Stops writing progress; resolves once a write in flight has landed. */
		async close() {
			clearInterval(heartbeat);
			if (timer) clearTimeout(timer);
			await inFlight;
		}
	};
}

/** Yields the reply's pieces as they arrive, then returns how it ended once it is stored. */
export async function* writeReply(request: ReplyRequest): AsyncGenerator<ReplyPiece, ReplyOutcome> {
	const { chatModel, replyId, history, timeoutMs } = request;
	// A stop reaches the writer by this isolate's registry at once, or by a progress write.
	const claim = claimReply(replyId);
	const fromDatabase = new AbortController();
	let gone = false;
	const progress = progressWriter(request, (verdict) => {
		if (verdict === 'go') return;
		gone = verdict === 'gone';
		fromDatabase.abort(new Error(verdict));
	});
	const stopSignals = [claim.signal, fromDatabase.signal];
	const signals = [AbortSignal.timeout(timeoutMs), ...stopSignals, ...(request.signal ? [request.signal] : [])];
	let content = '';
	let reasoning = '';
	// The thinking's time: from its first word to the answer's first word (or the end).
	let thinkingFrom: number | null = null;
	let thinkingUntil: number | null = null;
	let failure: unknown;

	try {
		const system = request.systemPrompt;
		const result = streamText({
			model: chatModel.model,
			system,
			// A long chat is trimmed to the model's budget, oldest turns first; the newest always go.
			messages: fitToContext(modelMessages(history, replyId), {
				contextTokens: chatModel.contextTokens,
				maxOutputTokens: chatModel.maxOutputTokens,
				system
			}),
			maxOutputTokens: chatModel.maxOutputTokens,
			...chatModel.reasoning,
			abortSignal: AbortSignal.any(signals),
			// The person has a Retry button; silent retries would only hide a dead provider.
			maxRetries: 0,
			// Errors arrive as stream parts and are logged below, redacted; the SDK's own logging
			// would print the whole request, the person's messages included.
			onError: () => {}
		});
		for await (const part of result.fullStream) {
			if (part.type === 'text-delta') {
				if (!part.text) continue;
				if (thinkingFrom !== null) thinkingUntil ??= Date.now();
				content += part.text;
				progress.update(content, reasoning);
				yield { kind: 'text', text: part.text };
			} else if (part.type === 'reasoning-delta') {
				if (!part.text) continue;
				thinkingFrom ??= Date.now();
				reasoning += part.text;
				progress.update(content, reasoning);
				yield { kind: 'reasoning', text: part.text };
			} else if (part.type === 'error') {
				failure = part.error;
				break;
			} else if (part.type === 'abort') {
				failure = new Error(`model call aborted: ${part.reason ?? 'timeout or disconnect'}`);
				break;
			} else if (part.type === 'finish' && (part.finishReason === 'error' || part.finishReason === 'interrupted')) {
				failure = new Error(`model stream ended with finish reason ${part.finishReason}`);
			}
		}
		if (!failure && !content) failure = new Error('the model returned an empty reply');
	} catch (error) {
		failure = error;
	}

	await progress.close();
	claim.release();
	const thought = {
		reasoning,
		reasoningMs: thinkingFrom === null ? null : (thinkingUntil ?? Date.now()) - thinkingFrom
	};
	const takenOver: ReplyOutcome = {
		status: 'error',
		content,
		...thought,
		message: 'This reply was taken over by another request.'
	};
	// Closed as dead and reopened elsewhere: that writer owns the row now.
	if (gone) return takenOver;
	const stopped = stopSignals.some((signal) => signal.aborted);
	const errorId =
		failure && !stopped ? logFailure(`reply ${replyId} from ${chatModel.provider}/${chatModel.id}`, failure) : null;
	const outcome: ReplyOutcome = stopped
		? { status: 'stopped', content, ...thought }
		: errorId
			? {
					status: 'error',
					content,
					...thought,
					message: `The model stopped before finishing this reply (error ${errorId}).`
				}
			: { status: 'complete', content, ...thought };
	const ended = await finishReply(request.writer, {
		content,
		...thought,
		status: outcome.status,
		model: chatModel.id,
		titlePending: Boolean(request.title)
	});
	return ended ? outcome : takenOver;
}
