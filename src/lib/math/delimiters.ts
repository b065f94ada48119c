// Which dollars are math. A reply writes formulas as $…$, $$…$$, \(…\) or \[…\], and money as
// "$5 and $10"; the inline dollar rule is Pandoc's, which chat-ui and open-webui also follow in
// spirit: the opening $ is followed by a non-blank, the closing $ follows a non-blank and is not
// followed by a digit. So "$5 and $10" stays text, "\$" is a dollar, and code spans are code.
import type { MarkedExtension, Tokens } from 'marked';

export interface MathToken extends Tokens.Generic {
	type: 'math';
	raw: string;
	/** The TeX between the delimiters. */
	tex: string;
	/** Set apart on a line of its own ($$…$$, \[…\]) rather than inline. */
	display: boolean;
	/** A block of its own in the document, not display math inside a paragraph. */
	block: boolean;
}

// Past this, a formula is shown as its source: TeX from a model is untrusted, and typesetting
// costs CPU on the worker.
export const MAX_TEX_LENGTH = 4000;

const BLOCK = /^ {0,3}(?:\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\])[ \t]*(?:\n+|$)/;
const INLINE_DISPLAY = /^(?:\$\$(?!\$)((?:\\[\s\S]|[^\\$])+?)\$\$|\\\[([\s\S]+?)\\\])/;
const INLINE_PAREN = /^\\\(([\s\S]+?)\\\)/;
const INLINE_DOLLAR = /^\$(?![\s$])((?:\\[\s\S]|[^\\$\n])+?)(?<![\s\\])\$(?!\d)/;

const tooLongOrBlank = (tex: string) => tex.trim() === '' || tex.length > MAX_TEX_LENGTH || /\n[ \t]*\n/.test(tex);

function token(raw: string, tex: string, display: boolean, block: boolean): MathToken | undefined {
	if (tooLongOrBlank(tex)) return undefined;
	return { type: 'math', raw, tex: tex.trim(), display, block };
}

/** A marked extension that turns math into `math` tokens, drawn by `draw`. */
export function mathExtension(draw: (token: MathToken) => string): MarkedExtension {
	return {
		extensions: [
			{
				name: 'math',
				level: 'block',
				start: (src) => src.match(/(?:^|\n) {0,3}(?:\$\$|\\\[)/)?.index,
				tokenizer(src) {
					const match = BLOCK.exec(src);
					if (!match) return undefined;
					return token(match[0], match[1] ?? match[2], true, true);
				},
				renderer: (found) => draw(found as MathToken)
			},
			{
				name: 'math',
				level: 'inline',
				start: (src) => src.match(/\$|\\[([]/)?.index,
				tokenizer(src) {
					const display = INLINE_DISPLAY.exec(src);
					if (display) return token(display[0], display[1] ?? display[2], true, false);
					const paren = INLINE_PAREN.exec(src);
					if (paren) return token(paren[0], paren[1], false, false);
					const dollar = INLINE_DOLLAR.exec(src);
					if (dollar) return token(dollar[0], dollar[1], false, false);
					return undefined;
				},
				renderer: (found) => draw(found as MathToken)
			}
		]
	};
}
