// Stored replies are rendered to sanitized HTML on the server, formulas typeset, so a chat page's
// first JavaScript carries no markdown or KaTeX code (see $lib/chat/markdown-loader.svelte.ts for
// replies streamed later), and a page without JavaScript shows the same.
import { renderMarkdown } from '$lib/markdown';
import { renderTex } from '$lib/math/katex';
import { replySegments } from '$lib/chat/tool-calls';
import type { StoredMessage } from './types';

/** A reply's markdown as the page shows it. */
export const renderReply = (content: string) => renderMarkdown(content, { tex: renderTex });

// A chat's replies are rendered on every view of it, and rendering is most of a page view's own
// CPU in the Worker. The isolate keeps the latest renderings, each with the text it came from: a
// reply whose text is not exactly that (a retry rewrote it) is rendered again. The HTML depends on
// the text alone, so an entry serves no one anything but the rendering of the text they read.
const RENDERED_MAX = 400;
const rendered = new Map<string, { content: string; html: string }>();

function renderedReply(id: string, content: string): string {
	const kept = rendered.get(id);
	if (kept?.content === content) return kept.html;
	const html = renderReply(content);
	rendered.delete(id);
	rendered.set(id, { content, html });
	if (rendered.size > RENDERED_MAX) rendered.delete(rendered.keys().next().value!);
	return html;
}

export function withRenderedReplies<T extends StoredMessage>(
	messages: T[]
): (T & { html?: string; segmentsHtml?: string[] })[] {
	return messages.map((message) => {
		if (message.role !== 'assistant') return message;
		// A reply that called tools is drawn in parts, the cards between them.
		if (message.tools?.calls.length)
			return {
				...message,
				segmentsHtml: replySegments(message.content, message.tools.calls).map((segment, index) =>
					segment.text ? renderedReply(`${message.id}#${index}`, segment.text) : ''
				)
			};
		return { ...message, html: renderedReply(message.id, message.content) };
	});
}
