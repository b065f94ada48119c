import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '$lib/markdown';
import { lastBlockBoundary, StreamingMarkdown } from './streaming-markdown';

/** Feeds `text` in pieces of `size` characters and returns every view, with the render count. */
function stream(text: string, size: number) {
	const renderer = new StreamingMarkdown();
	let renderedChars = 0;
	const counting = (piece: string) => {
		renderedChars += piece.length;
		return renderMarkdown(piece);
	};
	const views = [];
	for (let end = size; end < text.length + size; end += size) views.push(renderer.render(counting, text.slice(0, end)));
	return { views, renderedChars };
}

const joined = (view: { blocks: string[]; tail: string }) => view.blocks.join('') + view.tail;

describe('streaming markdown', () => {
	it('cuts only after a finished block outside a code fence', () => {
		const text = 'One.\n\nTwo.\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\nThree';
		expect(text.slice(lastBlockBoundary(text, 0))).toBe('Three');
		const open = 'One.\n\n```js\nconst a = 1;\n\nconst b';
		expect(open.slice(lastBlockBoundary(open, 0))).toBe('```js\nconst a = 1;\n\nconst b');
		// A list item's indented second paragraph belongs to the list.
		const list = '- first\n\n  more of the first\n';
		expect(lastBlockBoundary(list, 0)).toBe(0);
	});

	it('draws the same reply as a whole render, block by block', () => {
		const text = [
			'# Title',
			'Some **bold** text and a [link](https://example.com).',
			'- one\n- two',
			'```python\nprint("hi")\n\nprint("again")\n```',
			'| a | b |\n| - | - |\n| 1 | 2 |',
			'The end.'
		].join('\n\n');
		const { views } = stream(text, 3);
		expect(joined(views.at(-1)!)).toBe(renderMarkdown(text));
		// Blocks, once drawn, never change.
		for (let index = 1; index < views.length; index++) {
			const [before, after] = [views[index - 1].blocks, views[index].blocks];
			expect(after.slice(0, before.length)).toEqual(before);
		}
	});

	it('shows an open code fence as code, never as raw markup or a stray fence', () => {
		const text = 'Start:\n\n```html\n<div class="x">\n  <b>bold</b>\n</div>\n```\n\nEnd.';
		for (const view of stream(text, 2).views) {
			const html = joined(view);
			expect(html).not.toContain('<b>');
			expect(html).not.toContain('```');
		}
	});

	it('renders each character a bounded number of times, not once per delta', () => {
		const paragraph = `${'word '.repeat(40)}\n\n`;
		const text = paragraph.repeat(100); // 20,200 characters
		const { renderedChars } = stream(text, 4);
		// A whole render on every delta would touch about 51 million characters.
		expect(renderedChars).toBeLessThan(text.length * 60);
	});

	it('starts over when the text is not a continuation', () => {
		const renderer = new StreamingMarkdown();
		renderer.render(renderMarkdown, 'First try.\n\nSecond para');
		const view = renderer.render(renderMarkdown, 'Another try');
		expect(view.blocks).toEqual([]);
		expect(view.tail).toBe(renderMarkdown('Another try'));
	});

	it('draws every block again when the renderer changes, as when KaTeX has loaded', () => {
		const renderer = new StreamingMarkdown();
		const text = 'Area $x^2$.\n\nNext';
		const before = renderer.render((piece) => renderMarkdown(piece), text);
		expect(before.blocks[0]).toContain('<span class="math-inline">$x^2$</span>');
		const after = renderer.render((piece) => renderMarkdown(piece, { tex: () => 'TYPESET' }), text);
		expect(after.blocks[0]).toContain('<span class="math-inline">TYPESET</span>');
	});
});
