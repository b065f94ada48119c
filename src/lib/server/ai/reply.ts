// Writes one assistant reply: streams it from the model and stores the outcome. Both the
// no-JavaScript form action (which waits for the end) and the streaming endpoint (which relays
// each delta) go through here, so a reply is saved the same way whichever path asked for it.
import {
	stepCountIs,
	streamText,
	type LanguageModelStreamPart,
	type ModelMessage,
	type TextStreamPart,
	type ToolSet,
	type UserContent
} from 'ai';
import type { ReplyTools } from '$lib/chat/tool-calls';
import {
	finishReply,
	saveReplyProgress,
	replyDisabledTools,
	toolCallPermission,
	type ProgressVerdict,
	type ReplyWriter
} from '../chat/messages';
import { claimReply } from '../chat/reply-control';
import type { HistoryMessage, ModelAttachment } from '../chat/types';
import { logFailure } from '../errors';
import { APPROVAL_TIMEOUT_MS, type ToolsConfig } from '../tools/config';
import { ToolCalls, toolErrorText, toolOutput } from '../tools/cards';
import { DENIED, openToolbox, type AskApproval, type Toolbox } from '../tools/mcp';
import { contextChars, fitToContext } from './context';
import { streamModelCall } from './model-call';
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
	/** The operator's tool servers; a reply without them only talks. */
	tools?: ToolsConfig;
	/** How often what has arrived is stored; PROGRESS_INTERVAL_MS unless set. */
	progressEveryMs?: number;
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
	/** The reply's tool calls, when it was offered tools. */
	tools?: ReplyTools;
}

/**
 * A piece of the reply as it arrives: words of the answer, or of the thinking before it, or its
 * tool calls as they stand now (all of them, each time one starts or ends).
 */
export type ReplyPiece = { kind: 'text' | 'reasoning'; text: string } | { kind: 'tools'; tools: ReplyTools };

export interface ModelInput {
	acceptsImages: boolean;
	/** The characters of text the model's context has room for (see contextChars). */
	roomChars: number;
}

/**
 * A person's message with its files: documents as text after what they typed, images as images.
 * Documents are cut, from their end, to what the model has room for beside the typed text, so a
 * long document never pushes the question itself out.
 */
function userContent(message: HistoryMessage, input: ModelInput): UserContent {
	const files = message.attachments ?? [];
	const documents = files.filter((file) => file.kind === 'document');
	const images = files.filter(
		(file): file is Extract<ModelAttachment, { kind: 'image' }> & { url: string } => file.kind === 'image' && !!file.url
	);
	let text = message.content;
	let room = input.roomChars - text.length;
	for (const document of documents) {
		const header = `\n\n[Attached file: ${document.name}`;
		const fits = Math.max(0, room - header.length - 40);
		const cut = document.cut || document.text.length > fits;
		const body =
			document.text.length > fits ? document.text.slice(0, fits).replace(/[\uD800-\uDBFF]$/, '') : document.text;
		text += `${header}${cut ? ' (only its beginning fit)' : ''}]\n${body}`;
		room -= header.length + 40 + body.length;
	}
	const acceptsImages = input.acceptsImages;
	if (!images.length) return text;
	if (!acceptsImages) {
		const names = images.map((image) => image.name).join(', ');
		return `${text}\n\n[Attached images this model cannot see: ${names}]`;
	}
	return [
		{ type: 'text', text },
		...images.map((image) => ({ type: 'file' as const, data: new URL(image.url), mediaType: image.mediaType }))
	];
}

/**
 * The model sees what the person saw: finished replies, and the part of a stopped one that was
 * kept; not the reply being written, nor failed ones. Only the operator's prompt is a system
 * message; no row of the table can become one. Thinking is never sent back: the providers Parley
 * speaks to need it again only within a turn that calls tools (Anthropic's extended thinking),
 * and a turn here is one call.
 */
export function modelMessages(
	history: HistoryMessage[],
	replyId: string,
	input: ModelInput = { acceptsImages: false, roomChars: Number.POSITIVE_INFINITY }
): ModelMessage[] {
	return history.flatMap((message): ModelMessage[] => {
		if (message.id === replyId) return [];
		if (message.role === 'user') return [{ role: 'user', content: userContent(message, input) }];
		const kept = message.status === 'complete' || message.status === 'stopped';
		if (message.role === 'assistant' && kept && message.content) {
			return [{ role: 'assistant', content: message.content }];
		}
		return [];
	});
}

/**
 * Fetches the images of the messages that fit, by the links the history carries, and hands them
 * to the model as bytes: every provider takes those, while a link to this project's Storage may
 * be one only this worker can reach.
 */
async function withImageBytes(messages: ModelMessage[], signal: AbortSignal): Promise<ModelMessage[]> {
	return Promise.all(
		messages.map(async (message) => {
			if (message.role !== 'user' || typeof message.content === 'string') return message;
			const content = await Promise.all(
				message.content.map(async (part) => {
					if (part.type !== 'file' || !(part.data instanceof URL)) return part;
					const response = await fetch(part.data, { signal });
					if (!response.ok) throw new Error(`an attached image could not be read (${response.status})`);
					return { ...part, data: new Uint8Array(await response.arrayBuffer()) };
				})
			);
			return { ...message, content };
		})
	);
}

// What has arrived is stored at most this long after it arrived, so a reload or another tab
// can pick the reply up from the database. (A writer whose followers read its memory instead
// stores less often: see progressEveryMs.)
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
	let tools: ReplyTools | undefined;
	// Counted from the start, not from the epoch: a reply that ends within the first interval is
	// stored once, by its final write, instead of once more at its first word.
	let savedAt = Date.now();
	let timer: ReturnType<typeof setTimeout> | undefined;
	let inFlight: Promise<void> | undefined;
	const save = () => {
		timer = undefined;
		if (inFlight) return schedule();
		savedAt = Date.now();
		inFlight = saveReplyProgress(request.writer, text, thought, tools)
			.then(onVerdict)
			// A missed progress write costs a resuming tab a moment; the final write retries.
			.catch(() => {})
			.finally(() => (inFlight = undefined));
	};
	const interval = request.progressEveryMs ?? PROGRESS_INTERVAL_MS;
	const schedule = () => {
		timer ??= setTimeout(save, Math.max(0, savedAt + interval - Date.now()));
	};
	const heartbeat = setInterval(schedule, HEARTBEAT_MS);
	return {
		update(content: string, reasoning: string, calls?: ReplyTools) {
			text = content;
			thought = reasoning;
			tools = calls;
			schedule();
		},
		/**
		 * Writes now, after any write in flight (which holds older state), so that what the page is
		 * about to show is stored first: a call waiting for an answer must be found waiting.
		 */
		async flush(content: string, reasoning: string, calls: ReplyTools) {
			text = content;
			thought = reasoning;
			tools = calls;
			while (inFlight) await inFlight;
			if (timer) clearTimeout(timer);
			timer = undefined;
			savedAt = Date.now();
			inFlight = saveReplyProgress(request.writer, text, thought, tools)
				.then(onVerdict)
				.catch(() => {})
				.finally(() => (inFlight = undefined));
			await inFlight;
		},
		/** Stops writing progress; resolves once a write in flight has landed. */
		async close() {
			clearInterval(heartbeat);
			if (timer) clearTimeout(timer);
			await inFlight;
		}
	};
}

/** How often a writer waiting on the person's answer looks for it. */
const APPROVAL_POLL_MS = 1000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal.aborted) return reject(signal.reason);
		const timer = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
	});
}

/** Pieces to hand on between the model's own; `arrival` resolves (to null) when one is pushed. */
class PieceQueue {
	#pieces: ReplyPiece[] = [];
	#wake: (() => void) | null = null;
	push(piece: ReplyPiece) {
		this.#pieces.push(piece);
		this.#wake?.();
	}
	take(): ReplyPiece | undefined {
		return this.#pieces.shift();
	}
	arrival(): Promise<null> {
		return new Promise((resolve) => (this.#wake = () => resolve(null)));
	}
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
	// An approval nobody gave in time ends the reply as stopped.
	const unanswered = new AbortController();
	const stopSignals = [claim.signal, fromDatabase.signal, unanswered.signal];
	const signals = [AbortSignal.timeout(timeoutMs), ...stopSignals, ...(request.signal ? [request.signal] : [])];
	// Whatever ends the reply ends its tool servers, its image reads and the model call alike.
	const endOfReply = AbortSignal.any(signals);
	let content = '';
	let reasoning = '';
	// The thinking's time: from its first word to the answer's first word (or the end).
	let thinkingFrom: number | null = null;
	let thinkingUntil: number | null = null;
	let failure: unknown;
	let toolbox: Toolbox | null = null;
	let tools: ReplyTools | undefined;
	const calls = new ToolCalls();
	// Pieces that arrive between the model's parts: a call that waits for the person, or that
	// they answered, while the stream itself waits on the tool.
	const aside = new PieceQueue();
	const showCalls = () => {
		if (!tools) return;
		tools = { ...tools, calls: calls.views };
		progress.update(content, reasoning, tools);
		aside.push({ kind: 'tools', tools });
	};
	const ask: AskApproval = async (callId, toolName, signal) => {
		const answered = await toolCallPermission(request.writer, callId, toolName);
		if (answered) return answered;
		calls.mark(callId, 'awaiting');
		// Stored before it is shown: an answer given at once must find the call waiting.
		if (tools) await progress.flush(content, reasoning, { ...tools, calls: calls.views });
		showCalls();
		const until = Date.now() + (request.tools?.approvalTimeoutMs ?? APPROVAL_TIMEOUT_MS);
		while (Date.now() < until) {
			await sleep(APPROVAL_POLL_MS, signal);
			const answer = await toolCallPermission(request.writer, callId, toolName).catch(() => null);
			if (answer) {
				calls.mark(callId, answer === 'allow' ? 'running' : 'denied');
				showCalls();
				return answer;
			}
		}
		calls.ended(callId, 'denied', 'Not answered within the time allowed, so the reply stopped.');
		showCalls();
		unanswered.abort(new Error('an approval was not given in time'));
		throw new Error('an approval was not given in time');
	};

	try {
		toolbox = request.tools
			? await openToolbox(request.tools, endOfReply, ask, () => replyDisabledTools(request.writer))
			: null;
		if (toolbox)
			tools = { calls: calls.views, ...(toolbox.unavailable.length ? { unavailable: toolbox.unavailable } : {}) };
		let steps = 0;
		const system = request.systemPrompt;
		// A long chat is trimmed to the model's budget, oldest turns first; the newest always go.
		const budget = { contextTokens: chatModel.contextTokens, maxOutputTokens: chatModel.maxOutputTokens, system };
		const input = { acceptsImages: chatModel.acceptsImages, roomChars: contextChars(budget) };
		const fitted = fitToContext(modelMessages(history, replyId, input), budget);
		const messages = await withImageBytes(fitted, endOfReply);
		const toolset = toolbox && Object.keys(toolbox.tools).length ? toolbox.tools : null;
		// A reply that can call tools runs in streamText's loop of steps; one that cannot is a
		// single call to the model, at less CPU per chunk (see model-call.ts).
		const stream = toolset
			? streamText({
					model: chatModel.model,
					system,
					messages,
					maxOutputTokens: chatModel.maxOutputTokens,
					...chatModel.reasoning,
					tools: toolset,
					stopWhen: stepCountIs(request.tools!.maxSteps),
					abortSignal: endOfReply,
					// The person has a Retry button; silent retries would only hide a dead provider.
					maxRetries: 0,
					// Errors arrive as stream parts and are logged below, redacted; the SDK's own logging
					// would print the whole request, the person's messages included.
					onError: () => {}
				}).fullStream
			: await streamModelCall({
					model: chatModel.model,
					system,
					messages,
					maxOutputTokens: chatModel.maxOutputTokens,
					reasoning: chatModel.reasoning,
					abortSignal: endOfReply
				});
		const parts: AsyncIterator<TextStreamPart<ToolSet> | LanguageModelStreamPart> = stream[Symbol.asyncIterator]();
		let nextPart = parts.next();
		for (;;) {
			const waiting = aside.take();
			if (waiting) {
				yield waiting;
				continue;
			}
			const arrived = await Promise.race([nextPart, aside.arrival()]);
			if (!arrived) continue;
			if (arrived.done) break;
			nextPart = parts.next();
			const part = arrived.value;
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
			} else if (
				toolbox &&
				tools &&
				(part.type === 'tool-call' || part.type === 'tool-result' || part.type === 'tool-error')
			) {
				if (part.type === 'tool-call')
					calls.started(part.toolCallId, part.input, toolbox.origin(part.toolName), part.toolName, content.length);
				else if (part.type === 'tool-result' && part.output === DENIED)
					calls.ended(part.toolCallId, 'denied', 'You did not allow this call.');
				else if (part.type === 'tool-result') calls.ended(part.toolCallId, 'complete', toolOutput(part.output));
				else calls.ended(part.toolCallId, 'error', toolErrorText(part.error));
				// Handed on at the top of the loop, before the next part is awaited.
				showCalls();
			} else if (part.type === 'finish-step') {
				steps++;
			} else if (part.type === 'error') {
				failure = part.error;
				break;
			} else if (part.type === 'abort') {
				failure = new Error(`model call aborted: ${part.reason ?? 'timeout or disconnect'}`);
				break;
			} else if (
				(part.type === 'finish' || part.type === 'model-call-end') &&
				(part.finishReason === 'error' || part.finishReason === 'interrupted')
			) {
				failure = new Error(`model stream ended with finish reason ${part.finishReason}`);
			} else if (part.type === 'finish' && part.finishReason === 'tool-calls' && tools) {
				// The model wanted another step, and the operator's limit said no.
				if (steps >= request.tools!.maxSteps) tools = { ...tools, stepLimit: request.tools!.maxSteps };
			}
		}
		// Left unread after an error part: its rejection, if it has one, is no news.
		nextPart.catch(() => {});
		void parts.return?.().catch(() => {});
		if (!failure && !content && !calls.views.length) failure = new Error('the model returned an empty reply');
	} catch (error) {
		failure = error;
	}

	await toolbox?.close();
	// A call that never answered (a stop, a timeout, a broken stream) ends with the reply.
	if (tools && calls.endUnanswered()) tools = { ...tools, calls: calls.views };
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
		...(tools ? { tools } : {}),
		message: 'This reply was taken over by another request.'
	};
	// Closed as dead and reopened elsewhere: that writer owns the row now.
	if (gone) return takenOver;
	const stopped = stopSignals.some((signal) => signal.aborted);
	const errorId =
		failure && !stopped ? logFailure(`reply ${replyId} from ${chatModel.provider}/${chatModel.id}`, failure) : null;
	const withTools = tools ? { tools } : {};
	const outcome: ReplyOutcome = stopped
		? { status: 'stopped', content, ...thought, ...withTools }
		: errorId
			? {
					status: 'error',
					content,
					...thought,
					...withTools,
					message: `The model stopped before finishing this reply (error ${errorId}).`
				}
			: { status: 'complete', content, ...thought, ...withTools };
	const ended = await finishReply(request.writer, {
		content,
		...thought,
		...withTools,
		status: outcome.status,
		model: chatModel.id,
		titlePending: Boolean(request.title)
	});
	return ended ? outcome : takenOver;
}
