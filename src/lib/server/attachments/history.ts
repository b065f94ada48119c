// The files of a reply's history, for its model call: one read of chat_attachments for the
// person's messages in it (under RLS), and one request for links that let the writer fetch the
// images for a few minutes, wherever it runs (a Durable Object holds no person's token).
import type { ChatClient, HistoryMessage, ModelAttachment } from '../chat/types';
import { fromPostgrest } from '../errors';
import { signedUrls } from './storage';

// Long enough for a reply's model call to start, and no longer.
const LINK_SECONDS = 600;

export async function withAttachments(
	client: ChatClient,
	history: HistoryMessage[],
	posted?: { messageId: string; files: number }
): Promise<HistoryMessage[]> {
	const asked = history.filter((message) => message.role === 'user').map((message) => message.id);
	if (!asked.length) return history;
	// A chat's first message, posted just now without files: nothing to read.
	if (posted?.files === 0 && asked.length === 1 && asked[0] === posted.messageId) return history;
	const { data, error } = await client
		.from('chat_attachments')
		.select('message_id, name, media_type, kind, object_path, text_content, text_cut')
		.in('message_id', asked)
		.order('position');
	if (error) throw fromPostgrest(error);
	if (!data.length) return history;
	const links = await signedUrls(
		client,
		data.filter((row) => row.kind === 'image').map((row) => row.object_path),
		LINK_SECONDS
	);
	const byMessage = new Map<string, ModelAttachment[]>();
	for (const row of data) {
		const list = byMessage.get(row.message_id) ?? [];
		const url = links.get(row.object_path);
		if (row.kind === 'image' && url) list.push({ kind: 'image', name: row.name, mediaType: row.media_type, url });
		else if (row.kind === 'document') {
			list.push({ kind: 'document', name: row.name, text: row.text_content ?? '', cut: row.text_cut });
		}
		byMessage.set(row.message_id, list);
	}
	return history.map((message) => {
		const attachments = byMessage.get(message.id);
		return attachments ? { ...message, attachments } : message;
	});
}
