// Row shapes of the chat tables, as the data-access functions return them.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { ReplyTools } from '$lib/chat/tool-calls';
import type { AttachmentInfo } from '$lib/chat/attachments';
import type { Database } from '$lib/database.types';

/**
 * What the app's data access uses of a Supabase client: its database and its Storage. The
 * cookie-backed client is one; so is the lighter client that sends a fixed token (supabase.ts).
 */
export type ChatClient = Pick<SupabaseClient<Database>, 'from' | 'rpc' | 'storage'>;
type MessageRow = Database['public']['Tables']['chat_messages']['Row'];

/** A message of a chat's active path, as get_chat returns it. */
export type StoredMessage = Pick<
	MessageRow,
	'id' | 'parent_id' | 'role' | 'content' | 'status' | 'model' | 'created_at' | 'reasoning' | 'reasoning_ms'
> & {
	/** A streaming reply whose writer is still at work (private.reply_is_live). */
	is_live: boolean | null;
	/** Its place among its versions (siblings), from 1, and how many there are. */
	version: number;
	versions: number;
	/** The versions either side of it, or null at either end. */
	previous_version: string | null;
	next_version: string | null;
	/** A person's message's files, in order; none for a reply. */
	attachments?: AttachmentInfo[];
	/** A reply's tool calls. */
	tools?: ReplyTools;
};
export type ChatSessionSummary = Pick<
	Database['public']['Tables']['chat_sessions']['Row'],
	'id' | 'title' | 'updated_at'
>;
/**
 * A file of a message as its reply's model call reads it: a document's text, or an image, by its
 * path in Storage and then a link that opens it for the writer (attachments/history.ts).
 */
export type ModelAttachment =
	| { kind: 'image'; name: string; mediaType: string; path: string; url?: string }
	| { kind: 'document'; name: string; text: string; cut: boolean };

export type HistoryMessage = Pick<MessageRow, 'id' | 'role' | 'content' | 'status'> & {
	attachments?: ModelAttachment[];
};
