// Stored replies are rendered to sanitized HTML on the server, so a chat page's first JavaScript
// carries no markdown code (see $lib/chat/markdown-loader.svelte.ts for replies streamed later).
import { renderMarkdown } from '$lib/markdown';
import type { StoredMessage } from './types';

export function withRenderedReplies<T extends StoredMessage>(messages: T[]): (T & { html?: string })[] {
	return messages.map((message) =>
		message.role === 'assistant' ? { ...message, html: renderMarkdown(message.content) } : message
	);
}
