// Draws a reply that is still arriving without parsing all of it again on every delta. The text
// is cut at block boundaries (a blank line outside a code fence, before a line that does not
// continue the block above): everything before the last such cut is rendered once, block by
// block, and only the open block at the end is rendered on each delta. Marked ends an unclosed
// fence at the end of the text, so an open code block shows as code, never as raw markup.
// The finished reply is rendered whole once more, exactly as the server renders a stored one.

export interface StreamingView {
	/** Rendered once each; a block's HTML never changes, so its DOM is left alone. */
	blocks: string[];
	/** The block still being written, rendered again on every delta. */
	tail: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Where text can be cut from `from` on: after the last blank line that ends a block outside a fence. */
export function lastBlockBoundary(text: string, from: number): number {
	let boundary = from;
	let fence: string | null = null;
	let lineStart = from;
	let previousBlank = false;
	while (lineStart < text.length) {
		const newline = text.indexOf('\n', lineStart);
		const line = text.slice(lineStart, newline === -1 ? undefined : newline);
		const blank = line.trim() === '';
		// A blank line, then a line that starts flush left outside a fence: the block above is
		// over, even if this line is still being written. An indented line would continue it (a
		// list item's next paragraph), so no cut is made before one.
		if (!fence && previousBlank && !blank && !/^\s/.test(line) && lineStart > from) boundary = lineStart;
		// The last line may still grow: it can start a block, but not open or close a fence yet.
		if (newline === -1) break;
		const marker = FENCE.exec(line)?.[1];
		if (fence) {
			if (marker && marker[0] === fence[0] && marker.length >= fence.length && !line.trim().slice(marker.length)) {
				fence = null;
			}
		} else if (marker) {
			fence = marker;
		}
		previousBlank = blank && !fence;
		lineStart = newline + 1;
	}
	return boundary;
}

export class StreamingMarkdown {
	#blocks: string[] = [];
	/** How much of the text the blocks hold. */
	#rendered = 0;
	#prefix = '';
	#renderer: ((text: string) => string) | undefined;

	/** The view of `text`, given the renderer (marked and the sanitizer, loaded on demand). */
	render(render: (text: string) => string, text: string): StreamingView {
		// A text that is not a continuation (a retry started over) starts over here too, and so
		// does a new renderer (KaTeX has loaded: the blocks drawn so far show formulas as source).
		if (!text.startsWith(this.#prefix) || render !== this.#renderer) {
			this.#renderer = render;
			this.#blocks = [];
			this.#rendered = 0;
			this.#prefix = '';
		}
		const cut = lastBlockBoundary(text, this.#rendered);
		if (cut > this.#rendered) {
			this.#blocks = [...this.#blocks, render(text.slice(this.#rendered, cut))];
			this.#rendered = cut;
			this.#prefix = text.slice(0, cut);
		}
		return { blocks: this.#blocks, tail: render(text.slice(this.#rendered)) };
	}
}
