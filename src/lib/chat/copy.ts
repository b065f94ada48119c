// Copy buttons for code blocks inside a rendered reply. The reply's HTML comes from {@html}, so
// the buttons are added to the DOM after it is drawn (and again whenever it is redrawn), in each
// block's header bar (src/lib/markdown.ts writes it), so that they go away with the block. Only
// the browser runs this: without JavaScript there is no clipboard to write to, and so no button.

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
		for (const block of node.querySelectorAll<HTMLElement>('.code-block')) {
			const header = block.querySelector<HTMLElement>(':scope > .code-header');
			if (!header || header.querySelector('button.copy-code')) continue;
			const button = document.createElement('button');
			button.type = 'button';
			button.className = 'copy-code';
			button.textContent = 'Copy code';
			button.addEventListener('click', () => {
				void copyText(block.querySelector('pre code')?.textContent ?? '').then((outcome) => {
					current.onCopied(outcome);
					button.textContent = outcome === 'Copied.' ? 'Copied' : 'Copy code';
					setTimeout(() => (button.textContent = 'Copy code'), 2000);
				});
			});
			header.appendChild(button);
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
