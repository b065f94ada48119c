// Reading chats. Every function takes the request's client, so RLS decides what exists.
import { CHAT_PAGE_SIZE, cursorAfter, type ChatCursor } from '$lib/chat/chat-list';
import type { AttachmentInfo } from '$lib/chat/attachments';
import type { ReplyTools } from '$lib/chat/tool-calls';
import type { Database, Json } from '$lib/database.types';
import { AppError, fromPostgrest } from '../errors';
import type { ChatClient, ChatSessionSummary, StoredMessage } from './types';

export interface ChatPage {
	chats: ChatSessionSummary[];
	/** The cursor of the page after this one, or null when this is the last. */
	next: string | null;
}

type ListRow = Database['public']['Functions']['list_chats']['Returns'][number];
type ChatRow = Database['public']['Functions']['get_chat']['Returns'][number];

/** list_chats' arguments for one page of the chat list, with one row more than shown. */
const listArgs = (after: ChatCursor | null, pageSize: number) => ({
	p_before_updated_at: after?.updatedAt,
	p_before_id: after?.id,
	// One row more than shown says whether there is a next page, without a count.
	p_limit: pageSize + 1
});

function listPage(rows: ListRow[], pageSize: number): ChatPage {
	const chats = rows.slice(0, pageSize);
	const last = chats.at(-1);
	return { chats, next: rows.length > pageSize && last ? cursorAfter(last) : null };
}

/** One page of the chat list, newest first, starting after `after` (keyset paging). */
export async function listSessions(
	client: ChatClient,
	after: ChatCursor | null = null,
	pageSize = CHAT_PAGE_SIZE
): Promise<ChatPage> {
	const { data, error } = await client.rpc('list_chats', listArgs(after, pageSize));
	if (error) throw fromPostgrest(error);
	return listPage(data, pageSize);
}

export interface ChatWithMessages {
	id: string;
	title: string;
	/** The configured model id the chat asked for, or null for the default. */
	model: string | null;
	systemPrompt: string | null;
	/** One page of the active path, oldest first: the newest messages unless asked otherwise. */
	messages: StoredMessage[];
	/** Whether the path goes on before this page's first message, and after its last. */
	hasEarlier: boolean;
	hasLater: boolean;
}

/**
 * A chat page's size: about a screenful or two of turns. The page's HTML then stays within 1.5×
 * a 10-message chat's however long the chat is (bench:long-chat).
 */
export const CHAT_PAGE_MESSAGES = 20;
export const CHAT_PAGE_CHARS = 12_000;

/** Which page of a chat to read: the newest, the one before a message, or the one that holds it. */
export interface ChatWindow {
	before?: string;
	at?: string;
}

interface AttachmentJson {
	id: string;
	name: string;
	media_type: string;
	kind: 'image' | 'document';
	size_bytes: number;
	text_cut: boolean;
	thumbnail: boolean;
}

/** get_chat's JSON of a message's files, as the page shows them. */
const attachmentInfos = (json: Json): AttachmentInfo[] =>
	(json as unknown as AttachmentJson[]).map((file) => ({
		id: file.id,
		name: file.name,
		mediaType: file.media_type,
		kind: file.kind,
		sizeBytes: file.size_bytes,
		textCut: file.text_cut,
		thumbnail: file.thumbnail
	}));

/** get_chat's arguments for one page of a chat. */
const chatArgs = (id: string, window: ChatWindow) => ({
	p_session_id: id,
	p_before: window.before,
	p_at: window.at,
	p_limit: CHAT_PAGE_MESSAGES,
	p_chars: CHAT_PAGE_CHARS
});

/**
 * A chat and one page of its active path in one round trip, each message with its place among its
 * versions; someone else's chat reads as not found.
 */
export async function getSessionWithMessages(
	client: ChatClient,
	id: string,
	window: ChatWindow = {}
): Promise<ChatWithMessages> {
	const { data, error } = await client.rpc('get_chat', chatArgs(id, window));
	if (error) throw fromPostgrest(error);
	return chatFromRows(id, data);
}

/**
 * A chat page's two reads in one round trip (chat_page): one page of the chat, as
 * getSessionWithMessages reads it, and one page of the chat list, as listSessions does. The chat
 * is null when it is not there for this person; the list is theirs either way.
 */
export async function getChatAndList(
	client: ChatClient,
	id: string,
	window: ChatWindow,
	after: ChatCursor | null,
	pageSize = CHAT_PAGE_SIZE
): Promise<{ chat: ChatWithMessages | null; list: ChatPage }> {
	const list = listArgs(after, pageSize);
	const { data, error } = await client.rpc('chat_page', {
		...chatArgs(id, window),
		p_list_before_updated_at: list.p_before_updated_at,
		p_list_before_id: list.p_before_id,
		p_list_limit: list.p_limit
	});
	if (error) throw fromPostgrest(error);
	// jsonb of the two functions' own rows (see the chat_page migration).
	const both = data as unknown as { chat: ChatRow[]; chats: ListRow[] };
	return {
		chat: both.chat.length ? chatFromRows(id, both.chat) : null,
		list: listPage(both.chats, pageSize)
	};
}

function chatFromRows(id: string, data: ChatRow[]): ChatWithMessages {
	const first = data[0];
	if (!first) throw new AppError('not_found:chat');
	return {
		id,
		title: first.title,
		model: first.chat_model,
		systemPrompt: first.system_prompt,
		hasEarlier: first.has_earlier,
		hasLater: first.has_later,
		// A chat without messages is one row of chat columns alone.
		messages: data
			.filter((row) => row.id)
			.map((row) => ({
				id: row.id,
				parent_id: row.parent_id,
				role: row.role,
				content: row.content,
				status: row.status,
				model: row.model,
				created_at: row.created_at,
				is_live: row.is_live,
				version: row.version,
				versions: row.versions,
				previous_version: row.previous_version,
				next_version: row.next_version,
				reasoning: row.reasoning,
				reasoning_ms: row.reasoning_ms,
				...(row.attachments ? { attachments: attachmentInfos(row.attachments) } : {}),
				...(row.tools ? { tools: row.tools as unknown as ReplyTools } : {})
			}))
	};
}

/** The tools a chat has switched off (server__tool). */
export async function chatDisabledTools(client: ChatClient, sessionId: string): Promise<string[]> {
	const { data, error } = await client.from('chat_sessions').select('disabled_tools').eq('id', sessionId).maybeSingle();
	if (error) throw fromPostgrest(error);
	if (!data) throw new AppError('not_found:chat');
	return data.disabled_tools;
}
