// Managing chats: rename and delete, under RLS, so another person's chat reads as not found. A
// delete first removes the chat's files from Storage, which the database's cascade cannot reach.
import { removeChatFiles } from '../attachments/uploads';
import { AppError, fromPostgrest } from '../errors';
import type { ChatClient } from './types';

export async function renameSession(client: ChatClient, id: string, title: string): Promise<void> {
	const { data, error } = await client.from('chat_sessions').update({ title }).eq('id', id).select('id');
	if (error) throw fromPostgrest(error);
	if (!data.length) throw new AppError('not_found:chat');
}

export async function deleteSession(client: ChatClient, id: string): Promise<void> {
	await removeChatFiles(client, id);
	const { data, error } = await client.from('chat_sessions').delete().eq('id', id).select('id');
	if (error) throw fromPostgrest(error);
	if (!data.length) throw new AppError('not_found:chat');
}

/** Deletes every chat of the signed-in person (RLS already limits it to theirs); returns how many. */
export async function deleteAllSessions(client: ChatClient, userId: string): Promise<number> {
	await removeChatFiles(client);
	const { count, error } = await client.from('chat_sessions').delete({ count: 'exact' }).eq('user_id', userId);
	if (error) throw fromPostgrest(error);
	return count ?? 0;
}
