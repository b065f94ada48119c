// Stored replies are rendered to sanitized HTML on the server, formulas typeset, so a chat page's
// first JavaScript carries no markdown or KaTeX code (see $lib/chat/markdown-loader.svelte.ts for
// replies streamed later), and a page without JavaScript shows the same.
import { renderMarkdown } from '$lib/markdown';
import { renderTex } from '$lib/math/katex';
import type { StoredMessage } from './types';

/** A reply's markdown as the page shows it. */
export const renderReply = (content: string) => renderMarkdown(content, { tex: renderTex });

export function withRenderedReplies<T extends StoredMessage>(messages: T[]): (T & { html?: string })[] {
	return messages.map((message) =>
		message.role === 'assistant' ? { ...message, html: renderReply(message.content) } : message
	);
}
