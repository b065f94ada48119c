// What the chat pages do with JavaScript on: show the message at once, stream the reply, then
// keep the finished turn on screen as stored. The server has stored exactly what was streamed,
// so reloading the page's data after every message would only cost a request and two database
// round trips; the next navigation loads the stored copy anyway.
import { goto, invalidateAll } from '$app/navigation';
import { resolve } from '$app/paths';
import { live, replyTurn, UNREACHABLE, type LiveTurn, type StreamBody } from './live.svelte';
import type { StreamHandlers } from './reply-stream';
import { withSettled, withTouchedChats, type DisplayMessage } from './messages';
import { titleFrom } from './text';
import type { UploadedAttachment } from './attachments';

export interface SendResult {
	stored: boolean;
	error?: string | null;
}

const replyStream = () => import('./reply-stream');

/** Loads the streaming code before it is needed: as a person types (focus alone comes with every chat opened on a wide screen). */
export function preloadReplyStream(): void {
	void replyStream().catch(() => {});
}

/**
 * Shows the turn at once, then streams it once the streaming code is here; false when nothing was
 * stored (the code or the request could not be had).
 */
async function streamed(body: StreamBody, turn: LiveTurn, handlers?: StreamHandlers): Promise<boolean> {
	live.turn = turn;
	const stream = await replyStream().catch(() => null);
	if (!stream) {
		Object.assign(live.turn ?? turn, { status: 'error', error: UNREACHABLE });
		return false;
	}
	return stream.streamTurn(body, turn, handlers);
}

function settle(stored: boolean): SendResult {
	const turn = live.turn;
	live.turn = null;
	if (!stored || !turn) return { stored, error: turn?.error };
	if (turn.sessionId && turn.replyId) keep(turn, turn.sessionId, turn.replyId);
	return { stored };
}

/** Lays a finished turn over the stored conversation, and moves its chat to the top of the list. */
function keep(turn: LiveTurn, sessionId: string, replyId: string): void {
	const messages: DisplayMessage[] = [];
	if (turn.userMessage) {
		messages.push({ ...turn.userMessage, role: 'user', status: 'complete', model: null });
	}
	const status = turn.status === 'streaming' ? 'error' : turn.status;
	messages.push({
		id: replyId,
		role: 'assistant',
		content: turn.text,
		status,
		model: turn.model,
		reasoning: turn.reasoning ?? '',
		reasoning_ms: turn.thoughtMs ?? null,
		tools: turn.tools
	});
	live.settled[sessionId] = withSettled(live.settled[sessionId] ?? [], messages);
	touch(sessionId, turn.userMessage ? titleFrom(turn.userMessage.content) : '');
}

/** Moves a chat to the top of the list, or adds it; an empty title keeps the one listed. */
function touch(sessionId: string, title: string): void {
	live.touched = withTouchedChats(live.touched, [{ id: sessionId, title, updated_at: new Date().toISOString() }]);
}

/** Sends to an existing chat, or starts one (and moves to its page) when sessionId is null. */
export async function sendMessage(
	content: string,
	messageId: string,
	sessionId: string | null,
	model: string,
	parentId?: string,
	attachments: UploadedAttachment[] = []
): Promise<SendResult> {
	const turn: LiveTurn = {
		sessionId,
		// The files show with the message at once; each links to its file once the chat is loaded again.
		userMessage: { id: messageId, content, attachments },
		replyId: null,
		model: null,
		text: '',
		status: 'streaming',
		error: null
	};
	const body = sessionId
		? { messageId, content, model, sessionId, parentId, attachments }
		: { messageId, content, model, attachments };
	// A new chat moves to its page as soon as it exists. settle() waits for that move: a reply
	// that ends at once would otherwise be laid over the page being left.
	let moved: Promise<void> | undefined;
	const stored = await streamed(body, turn, {
		onStart(event) {
			// The chat is listed (a new one with its first words) as soon as it exists, not when the reply ends.
			touch(event.sessionId, sessionId ? '' : titleFrom(content));
			if (!sessionId) moved = goto(resolve('/(app)/chat/[id]', { id: event.sessionId }));
		}
	});
	// A move that fails (another navigation took over) still settles the turn, which frees the composer.
	await moved?.catch(() => {});
	return settle(stored);
}

/** Shows a reply another request is writing, live, until it ends. */
export async function followLiveReply(replyId: string, sessionId: string): Promise<SendResult> {
	const stream = await replyStream().catch(() => null);
	return settle(stream ? await stream.followReply(replyId, sessionId) : false);
}

/** Stops the reply arriving in this tab; null when the stop was taken. */
export function stopLiveReply(): Promise<string | null> {
	const replyId = live.turn?.status === 'streaming' ? live.turn.replyId : null;
	return replyId
		? replyStream().then(
				(stream) => stream.stopReply(replyId),
				() => UNREACHABLE
			)
		: Promise.resolve(null);
}

export async function retryReply(replyId: string, sessionId: string): Promise<SendResult> {
	return settle(await streamed({ replyId }, replyTurn(replyId, sessionId)));
}

/**
 * The chat's path is about to change (another version was chosen): this tab's finished turns
 * are dropped, as the data loaded next has them, and they may belong to the path left.
 */
export function forgetSettled(sessionId: string): void {
	delete live.settled[sessionId];
}

/**
 * Streams a turn that starts a new branch, then loads the chat's path again, which now ends in
 * it (and carries its versions), before letting the turn go, so nothing flickers.
 */
async function branchTurn(body: StreamBody, turn: LiveTurn, sessionId: string): Promise<SendResult> {
	const stored = await streamed(body, turn);
	if (stored) {
		forgetSettled(sessionId);
		await invalidateAll();
	}
	const error = live.turn?.error ?? null;
	live.turn = null;
	return { stored, error };
}

/** Regenerate: a new version of the reply, which answers message `below`. */
export function regenerateReply(replyId: string, below: string, sessionId: string): Promise<SendResult> {
	return branchTurn({ regenerate: replyId }, { ...replyTurn('', sessionId), replyId: null, below }, sessionId);
}

/** Save and send: the edited text as a new version of message sourceId, which answers `below`. */
export function sendEdit(
	sourceId: string,
	content: string,
	below: string | null,
	sessionId: string
): Promise<SendResult> {
	const messageId = crypto.randomUUID();
	const turn: LiveTurn = { ...replyTurn('', sessionId), replyId: null, userMessage: { id: messageId, content }, below };
	return branchTurn({ messageId, sourceId, content }, turn, sessionId);
}
