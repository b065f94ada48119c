// Searching the signed-in person's chats: one round trip to search_chats, which runs under RLS.
import { fromPostgrest } from '../errors';
import type { ChatClient } from './types';

export interface SnippetPart {
	text: string;
	hit: boolean;
}

export interface SearchResult {
	sessionId: string;
	/** The best-ranked match: null when the chat's title matched rather than a message. */
	messageId: string | null;
	title: string;
	snippet: SnippetPart[];
	createdAt: string;
	/** How many of the matches found are in this chat. */
	matches: number;
}

// search_chats marks hits with these private-use characters rather than HTML, so the snippet is
// plain text that Svelte escapes like any other.
const START = '\uE000';
const STOP = '\uE001';

/**
 * A snippet read as text, without the markdown around it: emphasis and code marks, heading,
 * quote and list markers, fences and table pipes go; a link keeps its words.
 */
export function plainText(text: string): string {
	return text
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/```+\w*/g, ' ')
		.replace(/(^|\s)(#{1,6}|>+|[-*+]|\d+\.)\s+/g, '$1')
		.replace(/\*\*|__|`|~~|(?<=\s|^)[*_]|[*_](?=\s|$|[.,;:!?])/g, '')
		.replace(/\s*\|\s*/g, ' ')
		.replace(/\s{2,}/g, ' ');
}

/** Splits ts_headline's output into plain runs and hits, as text. */
export function snippetParts(snippet: string): SnippetPart[] {
	const parts: SnippetPart[] = [];
	for (const [index, piece] of snippet.split(START).entries()) {
		const [hit, rest] = index === 0 ? ['', piece] : splitOnce(piece, STOP);
		if (hit) parts.push({ text: plainText(hit), hit: true });
		if (rest) parts.push({ text: plainText(rest.replaceAll(STOP, '')), hit: false });
	}
	return parts.filter((part) => part.text);
}

function splitOnce(text: string, separator: string): [string, string] {
	const at = text.indexOf(separator);
	return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}

/**
 * The chats that match, best first, one entry each: its best match's snippet, and how many of
 * the matches read (up to `limit`) are in it.
 */
export async function searchChats(client: ChatClient, query: string, limit = 100): Promise<SearchResult[]> {
	const { data, error } = await client.rpc('search_chats', { p_query: query, p_limit: limit });
	if (error) throw fromPostgrest(error);
	const chats = new Map<string, SearchResult>();
	for (const row of data) {
		const known = chats.get(row.session_id);
		if (known) {
			known.matches += 1;
			continue;
		}
		chats.set(row.session_id, {
			sessionId: row.session_id,
			messageId: row.message_id,
			title: row.title,
			snippet: snippetParts(row.snippet),
			createdAt: row.created_at,
			matches: 1
		});
	}
	return [...chats.values()];
}
