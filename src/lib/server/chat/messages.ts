// Writing chats: each function is one database round trip.
import { storableText, titleFrom } from '$lib/chat/text';
import type { ReplyTools } from '$lib/chat/tool-calls';
import { AppError, fromPostgrest, type ErrorCode } from '../errors';
import type { Database, Json } from '$lib/database.types';
import type { AttachmentRow } from '../attachments/prepare';
import type { ChatClient, HistoryMessage, ModelAttachment } from './types';

type PathRow = Pick<HistoryMessage, 'id' | 'role' | 'content' | 'status'> & {
	parent_id: string | null;
	depth: number;
	/** A person's message's files (private.message_files), or null. */
	attachments: Json;
};

interface FileJson {
	name: string;
	media_type: string;
	kind: 'image' | 'document';
	object_path: string;
	text_content: string | null;
	text_cut: boolean;
}

const modelFiles = (json: Json): ModelAttachment[] =>
	(json as unknown as FileJson[]).map((file) =>
		file.kind === 'image'
			? { kind: 'image', name: file.name, mediaType: file.media_type, path: file.object_path }
			: { kind: 'document', name: file.name, text: file.text_content ?? '', cut: file.text_cut }
	);

// The functions return the path newest first, with each row's depth, so that a response cut at
// PostgREST's max_rows loses the oldest rows; the model reads it root first, and answers the last.
const toHistory = (rows: PathRow[]): HistoryMessage[] =>
	rows
		.toSorted((a, b) => b.depth - a.depth)
		.map(({ id, role, content, status, attachments }) => ({
			id,
			role,
			content,
			status,
			...(attachments ? { attachments: modelFiles(attachments) } : {})
		}));

/** Whether the rows reach the chat's first message: false when the budget cut the path short. */
const reachesRoot = (rows: PathRow[]): boolean => rows.some((row) => row.parent_id === null);

/**
 * How many characters of a chat to read for the model that will answer it: per configured model,
 * and the default model's for a chat whose model is not listed (see turn.ts, historyBudget).
 */
export type HistoryBudget = {
	default: number;
	models: Record<string, number>;
};

/** The chat's own settings, returned with every turn so the reply needs no extra round trip. */
export interface ChatSettings {
	/** The configured model id the chat asked for, or null for the default. */
	model: string | null;
	systemPrompt: string | null;
}

export interface ReopenedReply {
	sessionId: string;
	/** The reply's writer token (see the reply_progress migration); null for a resubmit. */
	writerToken: string | null;
	settings: ChatSettings;
	/** The messages before the reply, root first, as many as the budget allowed. */
	history: HistoryMessage[];
	/** The history starts at the chat's first message (it was not cut short by the budget). */
	wholeChat: boolean;
}

export interface PostedMessage extends ReopenedReply {
	replyId: string;
	/** False when this message id was already stored: a resubmitted form. */
	isNew: boolean;
	/** A new version beside an older one (Regenerate, Edit): the chat was named already. */
	isVersion?: boolean;
}

// The functions return the chat's columns on every row; read them from the first.
const settingsOf = (row: { chat_model: string | null; system_prompt: string | null }): ChatSettings => ({
	model: row.chat_model,
	systemPrompt: row.system_prompt
});

type TurnRow = Database['public']['Functions']['post_message']['Returns'][number];

function postedFrom(data: TurnRow[], notFound: ErrorCode): PostedMessage {
	const first = data[0];
	if (!first) throw new AppError(notFound);
	return {
		sessionId: first.session_id,
		replyId: first.reply_id,
		isNew: first.is_new,
		writerToken: first.writer_token,
		settings: settingsOf(first),
		history: toHistory(data),
		wholeChat: reachesRoot(data)
	};
}

/**
 * Stores a message (creating its chat when sessionId is absent) and an empty reply, below
 * parentId: the last message the person was shown (by default, the end of the chat's active
 * path). A model id given here becomes the chat's model, so the picker's choice is kept with it.
 */
export async function postMessage(
	client: ChatClient,
	args: {
		messageId: string;
		content: string;
		sessionId?: string;
		parentId?: string;
		model?: string;
		budget?: HistoryBudget;
		/** The message's files, stored already (see attachments/prepare.ts), as rows to record. */
		attachments?: AttachmentRow[];
	}
): Promise<PostedMessage> {
	const { data, error } = await client.rpc('post_message', {
		p_message_id: args.messageId,
		p_content: args.content,
		p_session_id: args.sessionId,
		p_title: args.sessionId ? undefined : titleFrom(args.content),
		p_model: args.model,
		p_parent_id: args.sessionId ? args.parentId : undefined,
		p_budget: args.budget,
		p_attachments: args.attachments?.length ? (args.attachments as unknown as Json) : undefined
	});
	if (error) throw fromPostgrest(error);
	return postedFrom(data, 'not_found:chat');
}

/** Stores edited text as a new version of message sourceId, with an empty reply below it. */
export async function editMessage(
	client: ChatClient,
	args: { messageId: string; sourceId: string; content: string; budget?: HistoryBudget }
): Promise<PostedMessage> {
	const { data, error } = await client.rpc('edit_message', {
		p_message_id: args.messageId,
		p_source_id: args.sourceId,
		p_content: args.content,
		p_budget: args.budget
	});
	if (error) throw fromPostgrest(error, 'not_found:message');
	return { ...postedFrom(data, 'not_found:message'), isVersion: true };
}

/**
 * A new version of a reply, next to it. isNew is false when a reply to the same message is being
 * written already (another tab asked first): that one is returned, to follow, not to write.
 */
export async function regenerateReply(
	client: ChatClient,
	replyId: string,
	budget?: HistoryBudget
): Promise<PostedMessage> {
	const { data, error } = await client.rpc('regenerate_reply', { p_reply_id: replyId, p_budget: budget });
	if (error) throw fromPostgrest(error, 'not_found:reply');
	return { ...postedFrom(data, 'not_found:reply'), isVersion: true };
}

/** Shows another version of a message from now on, in every tab; returns its chat's id. */
export async function selectVersion(client: ChatClient, messageId: string): Promise<string> {
	const { data, error } = await client.rpc('select_version', { p_message_id: messageId });
	if (error) throw fromPostgrest(error, 'not_found:message');
	return data;
}

/** Empties a failed reply so it can be written again, and returns the messages before it. */
export async function restartReply(
	client: ChatClient,
	replyId: string,
	budget?: HistoryBudget
): Promise<ReopenedReply> {
	const { data, error } = await client.rpc('restart_reply', { p_reply_id: replyId, p_budget: budget });
	if (error) throw fromPostgrest(error, 'not_found:reply');
	const first = data[0];
	if (!first) throw new AppError('not_found:reply');
	return {
		sessionId: first.session_id,
		writerToken: first.writer_token,
		settings: settingsOf(first),
		history: toHistory(data),
		wholeChat: reachesRoot(data)
	};
}

/**
 * The writer's hold on one reply: a client that carries no user token, and the reply's writer
 * token, which lets it write that reply alone. It outlives the person's access token.
 */
export interface ReplyWriter {
	client: ChatClient;
	replyId: string;
	token: string;
}

/** What the writer does after a progress write (see write_reply_progress). */
export type ProgressVerdict = 'go' | 'stop' | 'gone';

/** The writer's batched write: the text and the thinking so far, and whether to go on. */
export async function saveReplyProgress(
	writer: ReplyWriter,
	content: string,
	reasoning = '',
	tools?: ReplyTools
): Promise<ProgressVerdict> {
	const { data, error } = await writer.client.rpc('write_reply_progress', {
		p_reply_id: writer.replyId,
		p_writer_token: writer.token,
		p_content: storableText(content),
		p_reasoning: storableText(reasoning),
		...(tools ? { p_tools: storableTools(tools) } : {})
	});
	if (error) throw fromPostgrest(error, 'not_found:reply');
	return data === 'stop' || data === 'gone' ? data : 'go';
}

/** The tools the reply's chat switched off (server__tool), for its writer. */
export async function replyDisabledTools(writer: ReplyWriter): Promise<string[]> {
	const { data, error } = await writer.client.rpc('reply_disabled_tools', {
		p_reply_id: writer.replyId,
		p_writer_token: writer.token
	});
	if (error) throw fromPostgrest(error, 'not_found:reply');
	return data ?? [];
}

/** Whether the person allowed a tool call the writer waits on: null while they have not answered. */
export async function toolCallPermission(
	writer: ReplyWriter,
	callId: string,
	tool: string
): Promise<'allow' | 'deny' | null> {
	const { data, error } = await writer.client.rpc('tool_call_permission', {
		p_reply_id: writer.replyId,
		p_writer_token: writer.token,
		p_call_id: callId,
		p_tool: tool
	});
	if (error) throw fromPostgrest(error, 'not_found:reply');
	return data === 'allow' || data === 'deny' ? data : null;
}

/** The person's answer to a call their reply waits on; false when no such call waits any more. */
export async function decideToolCall(
	client: ChatClient,
	replyId: string,
	callId: string,
	decision: 'allow' | 'always' | 'deny'
): Promise<boolean> {
	const { data, error } = await client.rpc('decide_tool_call', {
		p_reply_id: replyId,
		p_call_id: callId,
		p_decision: decision
	});
	if (error) throw fromPostgrest(error, 'not_found:reply');
	return data;
}

/** Gives the writer's chat its generated title, unless it was renamed; the stored title or null. */
export async function setReplyTitle(writer: ReplyWriter, title: string, standIn: string): Promise<string | null> {
	const { data, error } = await writer.client.rpc('set_reply_title', {
		p_reply_id: writer.replyId,
		p_writer_token: writer.token,
		p_title: title,
		p_stand_in: standIn
	});
	if (error) throw fromPostgrest(error);
	return data;
}

/** Asks for a reply to stop, from any tab; returns its status now. */
export async function stopReply(client: ChatClient, replyId: string): Promise<string> {
	const { data, error } = await client.rpc('stop_reply', { p_reply_id: replyId });
	if (error) throw fromPostgrest(error, 'not_found:reply');
	return data;
}

/** Saves a chat's system prompt (an empty one removes it) and, when given, its tools switched off. */
export async function saveChatSettings(
	client: ChatClient,
	sessionId: string,
	settings: Pick<ChatSettings, 'systemPrompt'> & { toolsOff?: string[] }
): Promise<void> {
	const { data, error } = await client
		.from('chat_sessions')
		.update({
			system_prompt: settings.systemPrompt || null,
			...(settings.toolsOff ? { disabled_tools: settings.toolsOff } : {})
		})
		.eq('id', sessionId)
		.select('id');
	if (error) throw fromPostgrest(error);
	if (!data.length) throw new AppError('not_found:chat');
}

type ReplyUpdate = {
	content: string;
	status: 'complete' | 'error' | 'stopped';
	model: string | null;
	/** A chat's first reply: its writer may set the chat's title once, after it ends. */
	titlePending?: boolean;
	/** The model's thinking, and how long it took. */
	reasoning?: string;
	reasoningMs?: number | null;
	tools?: ReplyTools;
};

/** Tool calls as JSON the database takes: text in them is stored as any other text is. */
function storableTools(tools: ReplyTools): Json {
	return JSON.parse(
		JSON.stringify(tools, (_key, value: unknown) => (typeof value === 'string' ? storableText(value) : value))
	) as Json;
}

// A reply is the model's work and cannot be typed again, so its final write outlasts a short
// database outage: about 15 s of retries, well inside the 30 s Workers give waitUntil.
const FINISH_RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Stores a reply's outcome, retrying while the database cannot be reached. False when the reply
 * was no longer this writer's to end (it was closed as dead and reopened elsewhere).
 */
export async function finishReply(
	writer: ReplyWriter,
	update: ReplyUpdate,
	retryDelaysMs = FINISH_RETRY_DELAYS_MS
): Promise<boolean> {
	const args = {
		p_reply_id: writer.replyId,
		p_writer_token: writer.token,
		p_content: storableText(update.content),
		p_status: update.status,
		p_model: update.model ?? '',
		p_title_pending: update.titlePending ?? false,
		p_reasoning: storableText(update.reasoning ?? ''),
		...(update.reasoningMs == null ? {} : { p_reasoning_ms: Math.round(update.reasoningMs) }),
		...(update.tools ? { p_tools: storableTools(update.tools) } : {})
	};
	for (let attempt = 0; ; attempt++) {
		const { data, error } = await writer.client.rpc('finish_reply', args);
		if (!error) return data;
		const failure = fromPostgrest(error, 'not_found:reply');
		const delay = retryDelaysMs[attempt];
		if (failure.code !== 'unavailable:database' || delay === undefined) throw failure;
		await new Promise((resolve) => setTimeout(resolve, delay));
	}
}
