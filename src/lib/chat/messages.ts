import type { Database } from '$lib/database.types';
import type { LiveTurn } from './live.svelte';

export type DisplayMessage = Pick<
	Database['public']['Tables']['chat_messages']['Row'],
	'id' | 'role' | 'content' | 'status' | 'model'
>;

/** The stored conversation with this tab's streaming turn laid over it. */
export function withLiveTurn(
	stored: DisplayMessage[],
	turn: LiveTurn | null,
	sessionId: string | null
): DisplayMessage[] {
	if (!turn || turn.sessionId !== sessionId) return stored;
	const messages = stored.map((message) =>
		message.id === turn.replyId ? { ...message, content: turn.text, status: turn.status } : message
	);
	const { userMessage } = turn;
	if (userMessage && !stored.some((message) => message.id === userMessage.id)) {
		messages.push({ id: userMessage.id, role: 'user', content: userMessage.content, status: 'complete', model: null });
	}
	if (!messages.some((message) => message.id === turn.replyId)) {
		messages.push({
			id: turn.replyId ?? 'pending-reply',
			role: 'assistant',
			content: turn.text,
			status: turn.status,
			model: null
		});
	}
	return messages;
}
