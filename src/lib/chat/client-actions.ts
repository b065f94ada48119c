// What the chat pages do with JavaScript on: show the message at once, stream the reply, then
// reload the stored conversation in place of the live copy.
import { goto, invalidateAll } from '$app/navigation';
import { resolve } from '$app/paths';
import { live, streamTurn, type LiveTurn } from './live.svelte';

export interface SendResult {
	stored: boolean;
	error?: string | null;
}

async function settle(stored: boolean): Promise<SendResult> {
	if (!stored) {
		const error = live.turn?.error;
		live.turn = null;
		return { stored, error };
	}
	await invalidateAll();
	live.turn = null;
	return { stored };
}

/** Sends to an existing chat, or starts one (and moves to its page) when sessionId is null. */
export async function sendMessage(content: string, messageId: string, sessionId: string | null): Promise<SendResult> {
	const turn: LiveTurn = {
		sessionId,
		userMessage: { id: messageId, content },
		replyId: null,
		text: '',
		status: 'streaming',
		error: null
	};
	const body = sessionId ? { messageId, content, sessionId } : { messageId, content };
	// A new chat moves to its page as soon as it exists. The reload in settle() must wait for
	// that move: a reply that ends at once would otherwise reload the page being left.
	let moved: Promise<void> | undefined;
	const stored = await streamTurn(body, turn, {
		onStart(event) {
			if (!sessionId) moved = goto(resolve('/(app)/chat/[id]', { id: event.sessionId }));
		}
	});
	await moved;
	return settle(stored);
}

export async function retryReply(replyId: string, sessionId: string): Promise<SendResult> {
	const turn: LiveTurn = { sessionId, userMessage: null, replyId, text: '', status: 'streaming', error: null };
	return settle(await streamTurn({ replyId }, turn));
}
