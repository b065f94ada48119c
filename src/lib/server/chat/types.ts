import type { PostgrestError, SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '$lib/database.types';
import { AppError, type ErrorCode } from '../errors';

export type ChatClient = SupabaseClient<Database>;
export type ChatMessage = Pick<
	Database['public']['Tables']['chat_messages']['Row'],
	'id' | 'role' | 'content' | 'status' | 'model' | 'created_at'
>;
export type ChatSessionSummary = Pick<
	Database['public']['Tables']['chat_sessions']['Row'],
	'id' | 'title' | 'updated_at'
>;
export type HistoryMessage = Pick<ChatMessage, 'id' | 'role' | 'content' | 'status'>;

/**
 * Turns a PostgREST failure into Parley's vocabulary. supabase-js reports an unreachable
 * server with an empty code and the fetch error's message, so "no code" means unavailable.
 */
export function toAppError(error: PostgrestError, notFound: ErrorCode = 'not_found:chat'): AppError {
	switch (error.code) {
		case 'P0002': // raised by the chat functions
		case '22P02': // not a uuid
			return new AppError(notFound, { cause: error });
		case '42501':
			return new AppError('forbidden:chat', { cause: error });
		case '23514': // a CHECK constraint
		case '22001':
			return new AppError('bad_request:message', { cause: error });
		case 'PGRST301':
		case 'PGRST303':
			return new AppError('unauthorized:session', { cause: error });
		default:
			return new AppError('unavailable:database', { cause: new Error(`${error.code}: ${error.message}`) });
	}
}
