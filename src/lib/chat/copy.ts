// Copying from a reply: Copy reply, and Copy code on each code block. The reply's HTML comes from
// {@html}, so the code blocks' buttons are added to the DOM after it is drawn (and again whenever
// it is redrawn), by code-copy.ts, loaded the first time a reply on the page has a code block. Only
// the browser runs this: without JavaScript there is no clipboard to write to, and so no button.
import type { Action } from 'svelte/action';

export interface CodeCopyOptions {
	/** The rendered reply: a change means {@html} drew new blocks. */
	html: string;
	/** False until the page is hydrated and the reply complete. */
	enabled: boolean;
	onCopied(text: string): void;
}

let buttons: Promise<typeof import('./code-copy')> | undefined;

/** Adds a "Copy code" button to every code block under `node`; `onCopied` reports the outcome. */
export const codeCopyButtons: Action<HTMLElement, CodeCopyOptions> = (node, initial) => {
	let current = initial;
	const run = () => {
		if (!current.enabled || !node.querySelector('.code-block')) return;
		buttons ??= import('./code-copy');
		void buttons.then((module) => module.addCopyButtons(node, () => current));
	};
	run();
	return {
		update(next) {
			current = next;
			run();
		}
	};
};

/** Writes text to the clipboard; resolves to what the person should be told. */
export async function copyText(text: string): Promise<string> {
	try {
		await navigator.clipboard.writeText(text);
		return 'Copied.';
	} catch {
		return 'Copying was refused by the browser.';
	}
}
