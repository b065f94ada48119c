// Searching the signed-in person's chats: one round trip to search_chats, which runs under RLS.
import { fromPostgrest } from '../errors';
import type { ChatClient } from './types';

export interface SnippetPart {
	text: string;
	hit: boolean;
}

export interface SearchResult {
	sessionId: string;
	/** Null when the chat's title matched rather than a message. */
	messageId: string | null;
	title: string;
	snippet: SnippetPart[];
	createdAt: string;
}

// search_chats marks hits with these private-use characters rather than HTML, so the snippet is
// plain text that Svelte escapes like any other.
const START = '\uE000';
const STOP = '\uE001';

/** Splits ts_headline's output into plain runs and hits. */
export function snippetParts(snippet: string): SnippetPart[] {
	const parts: SnippetPart[] = [];
	for (const [index, piece] of snippet.split(START).entries()) {
		const [hit, rest] = index === 0 ? ['', piece] : splitOnce(piece, STOP);
		if (hit) parts.push({ text: hit, hit: true });
		if (rest) parts.push({ text: rest.replaceAll(STOP, ''), hit: false });
	}
	return parts;
}

function splitOnce(text: string, separator: string): [string, string] {
	const at = text.indexOf(separator);
	return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}

export async function searchChats(client: ChatClient, query: string, limit = 20): Promise<SearchResult[]> {
	const { data, error } = await client.rpc('search_chats', { p_query: query, p_limit: limit });
	if (error) throw fromPostgrest(error);
	return data.map((row) => ({
		sessionId: row.session_id,
		messageId: row.message_id,
		title: row.title,
		snippet: snippetParts(row.snippet),
		createdAt: row.created_at
	}));
}
