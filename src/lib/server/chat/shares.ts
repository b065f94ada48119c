// Share links: read-only snapshots behind an unguessable token. Owners create, list and revoke
// theirs under RLS; anyone with the token reads one snapshot through get_shared_chat.
import { z } from 'zod';
import type { ReplyTools } from '$lib/chat/tool-calls';
import { fileBytes, type ServedFile } from '../attachments/uploads';
import { AppError, fromPostgrest } from '../errors';
import { createShareClient } from '../supabase';
import type { ChatClient } from './types';

export interface Share {
	token: string;
	sessionId: string;
	title: string;
	createdAt: string;
}

export interface SharedChat {
	title: string;
	createdAt: string;
	/** A reply's thinking is here only when its owner chose to share it. */
	messages: {
		role: 'user' | 'assistant';
		content: string;
		reasoning?: string;
		reasoning_ms?: number | null;
		/** A reply's tool calls, only when its owner chose to share them. */
		tools?: ReplyTools;
		attachments?: {
			id: string;
			name: string;
			media_type: string;
			kind: 'image' | 'document';
			size_bytes: number;
			thumbnail?: boolean;
		}[];
	}[];
}

export const SHARE_TOKEN = /^[0-9a-f]{64}$/;
const uuid = z.uuid();

/** Shares the chat as it is now; its thinking and its tool calls only when asked. */
export async function createShare(
	client: ChatClient,
	sessionId: string,
	{ withThinking = false, withTools = false } = {}
): Promise<string> {
	const { data, error } = await client.rpc('create_share', {
		p_session_id: sessionId,
		p_with_thinking: withThinking,
		p_with_tools: withTools
	});
	if (error) throw fromPostgrest(error);
	const token = data[0]?.token;
	if (!token) throw new AppError('not_found:chat');
	return token;
}

export async function listShares(client: ChatClient): Promise<Share[]> {
	const { data, error } = await client
		.from('chat_shares')
		.select('token, session_id, title, created_at')
		.order('created_at', { ascending: false })
		.limit(500);
	if (error) throw fromPostgrest(error);
	return data.map((row) => ({
		token: row.token,
		sessionId: row.session_id,
		title: row.title,
		createdAt: row.created_at
	}));
}

export async function revokeShare(client: ChatClient, token: string): Promise<void> {
	const { data, error } = await client.from('chat_shares').delete().eq('token', token).select('token');
	if (error) throw fromPostgrest(error, 'not_found:share');
	if (!data.length) throw new AppError('not_found:share');
}

/** The snapshot behind a token, or a not-found for an unknown or revoked one. */
export async function getSharedChat(client: ChatClient, token: string): Promise<SharedChat> {
	if (!SHARE_TOKEN.test(token)) throw new AppError('not_found:share');
	const { data, error } = await client.rpc('get_shared_chat', { p_token: token });
	if (error) throw fromPostgrest(error, 'not_found:share');
	const row = data[0];
	if (!row) throw new AppError('not_found:share');
	return { title: row.title, createdAt: row.created_at, messages: row.messages as unknown as SharedChat['messages'] };
}

/** A file of a share, by the share's token: read anonymously, with the token as the authority. */
export async function getSharedFile(token: string, id: string, small = false): Promise<ServedFile | null> {
	if (!SHARE_TOKEN.test(token) || !uuid.safeParse(id).success) return null;
	const client = createShareClient(token);
	const { data, error } = await client.rpc('get_shared_file', { p_token: token, p_id: id });
	if (error) throw fromPostgrest(error, 'not_found:share');
	const row = data[0];
	if (!row) return null;
	return fileBytes(client, row, small);
}
