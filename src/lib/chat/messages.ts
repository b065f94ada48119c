import type { Database } from '$lib/database.types';
import type { AttachmentInfo } from './attachments';
import type { LiveTurn } from './live.svelte';
import type { ReplyTools } from './tool-calls';

export type DisplayMessage = Pick<
	Database['public']['Tables']['chat_messages']['Row'],
	'id' | 'role' | 'content' | 'status' | 'model'
> & {
	/** The message this one answers, for a stored one; a page of a long chat may not show it. */
	parent_id?: string | null;
	/** A stored reply as sanitized HTML, rendered by the server. */
	html?: string;
	/** Instead, for a reply that called tools: each part of its text (see replySegments). */
	segmentsHtml?: string[];
	/** A reply's thinking (plain text, never rendered as HTML), and how long it took. */
	reasoning?: string;
	reasoning_ms?: number | null;
	/** For a streaming reply: whether its writer is still at work (else it was interrupted). */
	is_live?: boolean | null;
	/** Its place among its versions ("2 / 3"), and the versions either side; absent for one
	 * shown from this tab before the page was loaded again. */
	version?: number;
	versions?: number;
	previous_version?: string | null;
	next_version?: string | null;
	/** A person's message's files; an id is empty until the message is stored and shown again. */
	attachments?: AttachmentInfo[];
	/** A reply's tool calls. */
	tools?: ReplyTools | null;
};
export type ChatSummary = Pick<Database['public']['Tables']['chat_sessions']['Row'], 'id' | 'title' | 'updated_at'>;

/** Stored messages with this tab's finished turns laid over them: same id replaced, new appended. */
export function withSettled(stored: DisplayMessage[], settled: DisplayMessage[] | undefined): DisplayMessage[] {
	if (!settled?.length) return stored;
	const byId = new Map(settled.map((message) => [message.id, message]));
	const known = new Set(stored.map((message) => message.id));
	// A stored message's files link to their copies; this tab's have only previews.
	const laid = (message: DisplayMessage) => {
		const mine = byId.get(message.id);
		return mine ? { ...mine, attachments: message.attachments ?? mine.attachments } : message;
	};
	return [...stored.map(laid), ...settled.filter(({ id }) => !known.has(id))];
}

/** The chat list with the chats written to in this tab first, newest first, each listed once. */
export function withTouchedChats(listed: ChatSummary[], touched: ChatSummary[]): ChatSummary[] {
	if (!touched.length) return listed;
	const titles = new Map(listed.map((chat) => [chat.id, chat.title]));
	const ids = new Set(touched.map((chat) => chat.id));
	const recent = touched.map((chat) => ({ ...chat, title: titles.get(chat.id) ?? chat.title }));
	return [...recent, ...listed.filter((chat) => !ids.has(chat.id))].sort(
		(a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at)
	);
}

/** The stored conversation with this tab's streaming turn laid over it. */
export function withLiveTurn(
	stored: DisplayMessage[],
	turn: LiveTurn | null,
	sessionId: string | null
): DisplayMessage[] {
	if (!turn || turn.sessionId !== sessionId) return stored;
	// A new branch replaces what followed the message it answers.
	const kept =
		turn.below === undefined
			? stored
			: stored.slice(0, turn.below === null ? 0 : stored.findIndex((message) => message.id === turn.below) + 1);
	const messages = kept.map((message) =>
		message.id === turn.replyId
			? {
					...message,
					content: turn.text,
					status: turn.status,
					html: undefined,
					segmentsHtml: undefined,
					is_live: turn.status === 'streaming',
					reasoning: turn.reasoning ?? message.reasoning,
					reasoning_ms: turn.thoughtMs ?? null,
					tools: turn.tools ?? message.tools
				}
			: message
	);
	const { userMessage } = turn;
	if (userMessage && !kept.some((message) => message.id === userMessage.id)) {
		const { id, content, attachments } = userMessage;
		messages.push({ id, role: 'user', content, status: 'complete', model: null, attachments });
	}
	if (!messages.some((message) => message.id === turn.replyId)) {
		messages.push({
			id: turn.replyId ?? 'pending-reply',
			role: 'assistant',
			content: turn.text,
			status: turn.status,
			model: null,
			reasoning: turn.reasoning ?? '',
			reasoning_ms: turn.thoughtMs ?? null,
			tools: turn.tools
		});
	}
	return messages;
}
