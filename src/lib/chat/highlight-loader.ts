// Loads the highlighter the first time a finished reply on the page has a code block, so a chat
// page without code never downloads it (see bench/chat.ts for the sizes).
import type { Action } from 'svelte/action';

let highlighter: Promise<typeof import('./highlight')> | undefined;

interface HighlightOptions {
	/** The rendered reply: a change means {@html} drew new blocks. */
	html: string;
	/** False while the reply is still arriving (it is redrawn on every delta) or not hydrated. */
	enabled: boolean;
}

export const highlightCode: Action<HTMLElement, HighlightOptions> = (node, initial) => {
	let current = initial;
	// A microtask later, once this update has reached the DOM, so it sees the blocks {@html} drew.
	const run = () =>
		queueMicrotask(() => {
			if (!current.enabled || !node.querySelector('pre code:not(.hljs)')) return;
			highlighter ??= import('./highlight');
			void highlighter.then((module) => {
				if (current.enabled) void module.highlightWithin(node);
			});
		});
	run();
	return {
		update(next) {
			current = next;
			run();
		}
	};
};
