// Formulas typeset with KaTeX: HTML to see, MathML for screen readers. Loaded by the server for
// every page, and in the browser only once a reply streamed into the tab holds math.
import katex from 'katex';

/** `tex` as HTML, or KaTeX's own error rendering (the source, marked) when it does not parse. */
export function renderTex(tex: string, display: boolean): string {
	return katex.renderToString(tex, {
		displayMode: display,
		output: 'htmlAndMathml',
		throwOnError: false,
		// No \href, \url, \includegraphics or \htmlClass: a model's TeX may not link or style.
		trust: false,
		strict: 'ignore',
		// Bounds on what a hostile formula can make KaTeX do.
		maxSize: 20,
		maxExpand: 200
	});
}
