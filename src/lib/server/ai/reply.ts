// Writes one assistant reply: streams it from the model and stores the outcome. Both the
// no-JavaScript form action (which waits for the end) and the streaming endpoint (which relays
// each delta) go through here, so a reply is saved the same way whichever path asked for it.
import { streamText, type ModelMessage } from 'ai';
import { finishReply } from '../chat/messages';
import type { ChatClient, HistoryMessage } from '../chat/types';
import { logFailure } from '../errors';
import { fitToContext } from './context';
import type { ChatModel } from './registry';
import type { TitleJob } from './title';

export interface ReplyRequest {
	/** Stores the outcome; bound to the access token, never to cookies (see createDetachedClient). */
	writer: ChatClient;
	chatModel: ChatModel;
	replyId: string;
	history: HistoryMessage[];
	timeoutMs: number;
	/** The operator's prompt and the chat's own, joined (see chat/turn.ts). */
	systemPrompt?: string;
	/** Aborts the model call, e.g. when the browser goes away; the partial reply is kept. */
	signal?: AbortSignal;
	/** Set for a chat's first reply: once it is complete, the model gives the chat a title. */
	title?: TitleJob;
}

export interface ReplyOutcome {
	status: 'complete' | 'error';
	content: string;
	/** Set when status is error; safe to show. */
	message?: string;
}

/**
 * The model sees finished turns only: not the reply being written, nor earlier failed ones. Only
 * the operator's prompt is a system message; no row of the table can become one.
 */
export function modelMessages(history: HistoryMessage[], replyId: string): ModelMessage[] {
	return history.flatMap((message): ModelMessage[] => {
		if (message.id === replyId) return [];
		if (message.role === 'user') return [{ role: 'user', content: message.content }];
		if (message.role === 'assistant' && message.status === 'complete' && message.content) {
			return [{ role: 'assistant', content: message.content }];
		}
		return [];
	});
}

/** Yields the reply's text as it arrives, then returns how it ended once it is stored. */
export async function* writeReply(request: ReplyRequest): AsyncGenerator<string, ReplyOutcome> {
	const { chatModel, replyId, history, timeoutMs } = request;
	const signals = [AbortSignal.timeout(timeoutMs), ...(request.signal ? [request.signal] : [])];
	let content = '';
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
			abortSignal: AbortSignal.any(signals),
			// The person has a Retry button; silent retries would only hide a dead provider.
			maxRetries: 0,
			// Errors arrive as stream parts and are logged below, redacted; the SDK's own logging
			// would print the whole request, the person's messages included.
			onError: () => {}
		});
		for await (const part of result.fullStream) {
			if (part.type === 'text-delta') {
				content += part.text;
				yield part.text;
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

	const errorId = failure ? logFailure(`reply ${replyId} from ${chatModel.provider}/${chatModel.id}`, failure) : null;
	const outcome: ReplyOutcome = errorId
		? { status: 'error', content, message: `The model stopped before finishing this reply (error ${errorId}).` }
		: { status: 'complete', content };
	await finishReply(request.writer, replyId, { content, status: outcome.status, model: chatModel.id });
	return outcome;
}

/** Runs a reply to the end without relaying it: the no-JavaScript path. */
export async function completeReply(request: ReplyRequest): Promise<ReplyOutcome> {
	const run = writeReply(request);
	for (;;) {
		const step = await run.next();
		if (step.done) return step.value;
	}
}
