// Reading chats. Every function takes the request's client, so RLS decides what exists.
import { AppError, fromPostgrest } from '../errors';
import type { ChatClient, ChatSessionSummary, StoredMessage } from './types';

const SIDEBAR_LIMIT = 200;

export async function listSessions(client: ChatClient): Promise<ChatSessionSummary[]> {
	const { data, error } = await client
		.from('chat_sessions')
		.select('id, title, updated_at')
		.order('updated_at', { ascending: false })
		.limit(SIDEBAR_LIMIT);
	if (error) throw fromPostgrest(error);
	return data;
}

export interface ChatWithMessages {
	id: string;
	title: string;
	/** The configured model id the chat asked for, or null for the default. */
	model: string | null;
	systemPrompt: string | null;
	messages: StoredMessage[];
}

/** A chat and its messages in one round trip; someone else's chat reads as not found. */
export async function getSessionWithMessages(client: ChatClient, id: string): Promise<ChatWithMessages> {
	const { data, error } = await client
		.from('chat_sessions')
		.select('id, title, model, system_prompt, chat_messages(id, role, content, status, model, created_at)')
		.eq('id', id)
		.order('position', { referencedTable: 'chat_messages' })
		.maybeSingle();
	if (error) throw fromPostgrest(error);
	if (!data) throw new AppError('not_found:chat');
	return {
		id: data.id,
		title: data.title,
		model: data.model,
		systemPrompt: data.system_prompt,
		messages: data.chat_messages
	};
}
