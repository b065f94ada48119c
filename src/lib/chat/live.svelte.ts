// The turn being streamed in this tab, and the turns finished here. They live outside any
// component so they survive the navigation from /chat to the new chat's page while the reply is
// still arriving, and so a finished turn stays on screen without reloading the page's data.
import type { AttachmentInfo, UploadedAttachment } from './attachments';
import type { ChatSummary, DisplayMessage } from './messages';
import type { ReplyTools } from './tool-calls';

export interface LiveTurn {
	/** Unknown until the server has created the chat. */
	sessionId: string | null;
	/** The message just sent, shown at once; absent for a retry. */
	userMessage: { id: string; content: string; attachments?: AttachmentInfo[] } | null;
	replyId: string | null;
	/** The model the reply is stored with, from the start event. */
	model: string | null;
	text: string;
	/** The model's thinking so far, and when this tab saw it begin; how long it took, once over. */
	reasoning?: string;
	thinkingSince?: number | null;
	thoughtMs?: number | null;
	/** The reply's tool calls, as the last event told them. */
	tools?: ReplyTools;
	status: 'streaming' | 'complete' | 'error' | 'stopped';
	error: string | null;
	/**
	 * Where the turn starts a new branch (an edit, a regeneration): the message it answers, shown
	 * with everything before it and nothing after; null for a new first message. Absent for a
	 * turn at the end of the conversation.
	 */
	below?: string | null;
}

export const live = $state<{
	turn: LiveTurn | null;
	/** Messages of turns that ended in this tab, by chat: shown as stored, without a reload. */
	settled: Record<string, DisplayMessage[]>;
	/** Chats written to in this tab, to move (or add) them to the top of the list. */
	touched: ChatSummary[];
	/** Titles the model wrote after a first reply in this tab, by chat; they win over older copies. */
	titles: Record<string, string>;
}>({ turn: null, settled: {}, touched: [], titles: {} });

export const UNREACHABLE = 'Parley could not be reached. Check your connection.';

export type StreamBody =
	| {
			messageId: string;
			content: string;
			model: string;
			sessionId?: string;
			parentId?: string;
			attachments?: UploadedAttachment[];
	  }
	| { messageId: string; sourceId: string; content: string }
	| { replyId: string }
	| { regenerate: string };

/** The turn for a reply with no new message of its own: a retry, or one followed from elsewhere. */
export function replyTurn(replyId: string, sessionId: string): LiveTurn {
	return { sessionId, userMessage: null, replyId, model: null, text: '', status: 'streaming', error: null };
}
