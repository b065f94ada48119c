// Row shapes of the chat tables, as the data-access functions return them.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '$lib/database.types';

export type ChatClient = SupabaseClient<Database>;
type MessageRow = Database['public']['Tables']['chat_messages']['Row'];

export type StoredMessage = Pick<MessageRow, 'id' | 'role' | 'content' | 'status' | 'model' | 'created_at'> & {
	/** A computed column (public.is_live): a streaming reply whose writer is still at work. */
	is_live: boolean | null;
};
export type ChatSessionSummary = Pick<
	Database['public']['Tables']['chat_sessions']['Row'],
	'id' | 'title' | 'updated_at'
>;
export type HistoryMessage = Pick<MessageRow, 'id' | 'role' | 'content' | 'status'>;
