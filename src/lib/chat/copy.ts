// Copy buttons for code blocks inside a rendered reply. The reply's HTML comes from {@html}, so
// the buttons are added to the DOM after it is drawn (and again whenever it is redrawn), inside
// each <pre> so that they go away with it. Only the browser runs this: without JavaScript there is
// no clipboard to write to, and so no button.

interface CodeCopyOptions {
	/** The rendered reply: a change means {@html} drew new blocks. */
	html: string;
	/** False until the page is hydrated and the reply complete. */
	enabled: boolean;
	onCopied(text: string): void;
}

/** Adds a "Copy code" button to every code block under `node`; `onCopied` reports the outcome. */
export function codeCopyButtons(node: HTMLElement, options: CodeCopyOptions) {
	let current = options;
	const add = () => {
		if (!current.enabled) return;
		for (const pre of node.querySelectorAll('pre')) {
			if (pre.querySelector(':scope > button.copy-code')) continue;
			const button = document.createElement('button');
			button.type = 'button';
			button.className = 'copy-code secondary';
			button.textContent = 'Copy code';
			button.addEventListener('click', () => {
				void copyText(pre.querySelector('code')?.textContent ?? '').then(current.onCopied);
			});
			pre.insertBefore(button, pre.firstChild);
		}
	};
	add();
	return {
		update(next: CodeCopyOptions) {
			current = next;
			add();
		}
	};
}

/** Writes text to the clipboard; resolves to what the person should be told. */
export async function copyText(text: string): Promise<string> {
	try {
		await navigator.clipboard.writeText(text);
		return 'Copied.';
	} catch {
		return 'Copying was refused by the browser.';
	}
}
