// The Copy code buttons of a reply's code blocks (see copy.ts), each in its block's header bar
// (src/lib/markdown.ts writes it), so that they go away with the block.
import { copyText, type CodeCopyOptions } from './copy';

/** Adds a button to each block under `node` that has none yet. */
export function addCopyButtons(node: HTMLElement, options: () => CodeCopyOptions): void {
	if (!options().enabled) return;
	for (const block of node.querySelectorAll<HTMLElement>('.code-block')) {
		const header = block.querySelector<HTMLElement>(':scope > .code-header');
		if (!header || header.querySelector('button.copy-code')) continue;
		const button = document.createElement('button');
		button.type = 'button';
		button.className = 'copy-code';
		button.textContent = 'Copy code';
		button.addEventListener('click', () => {
			void copyText(block.querySelector('pre code')?.textContent ?? '').then((outcome) => {
				options().onCopied(outcome);
				button.textContent = outcome === 'Copied.' ? 'Copied' : 'Copy code';
				setTimeout(() => (button.textContent = 'Copy code'), 2000);
			});
		});
		header.appendChild(button);
	}
}
