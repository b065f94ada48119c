// The markdown renderer, loaded only when this tab has a reply to render that the server has not
// rendered already (one streamed here). It keeps marked and js-xss out of a chat page's first
// JavaScript; until it has loaded, such a reply shows as plain text.
import type { renderMarkdown } from '$lib/markdown';

const loaded = $state<{ render: typeof renderMarkdown | null }>({ render: null });
let loading: Promise<void> | undefined;

/** The renderer, or null while it is still loading (reading this starts the load). */
export function browserRenderer(): typeof renderMarkdown | null {
	if (loaded.render) return loaded.render;
	loading ??= import('$lib/markdown').then((module) => {
		loaded.render = module.renderMarkdown;
	});
	return null;
}
