// Show earlier messages in a long chat, with JavaScript: the page before the first one shown,
// loaded in place. Loaded itself only on the first click, which keeps it out of the chat page's
// first JavaScript.
import { resolve } from '$app/paths';
import { loadView, showsFiles } from '$lib/lazy-views.svelte';
import type { DisplayMessage } from './messages';

/** The page of a chat before a message, rendered by the server, or what went wrong. */
export async function fetchEarlier(
	sessionId: string,
	before: string
): Promise<{ messages: DisplayMessage[]; hasEarlier: boolean } | { error: string }> {
	try {
		const response = await fetch(`${resolve('/(app)/chat/[id]/earlier', { id: sessionId })}?before=${before}`);
		const body = (await response.json().catch(() => null)) as {
			messages: DisplayMessage[];
			hasEarlier: boolean;
			error?: { message?: string };
		} | null;
		if (!response.ok || !body) return { error: body?.error?.message ?? `The server answered ${response.status}.` };
		if (showsFiles(body.messages)) await loadView('files');
		return body;
	} catch {
		return { error: 'Earlier messages cannot be loaded right now. Check your connection.' };
	}
}

/**
 * A long chat's page with what was loaded above it in this tab (Show earlier messages). `loaded`
 * holds the earlier pages and the page as it was then; the page now may start later (new
 * messages), or on another branch below a message both share. A page that shares nothing with
 * it stands alone.
 */
export function withEarlier(loaded: DisplayMessage[] | undefined, page: DisplayMessage[]): DisplayMessage[] {
	const first = page[0];
	if (!loaded?.length || !first) return page;
	const same = loaded.findIndex((message) => message.id === first.id);
	if (same >= 0) return [...loaded.slice(0, same), ...page];
	const parent = first.parent_id ? loaded.findIndex((message) => message.id === first.parent_id) : -1;
	return parent >= 0 ? [...loaded.slice(0, parent + 1), ...page] : page;
}
