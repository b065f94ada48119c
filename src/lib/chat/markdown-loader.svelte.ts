// The markdown renderer, loaded only when this tab has a reply to render that the server has not
// rendered already (one streamed here). It keeps marked and js-xss out of a chat page's first
// JavaScript; until it has loaded, such a reply shows as plain text. KaTeX comes later still, and
// only once such a reply holds a formula: until then the formula shows as its source.
import type { RenderOptions, renderMarkdown } from '$lib/markdown';
import type { StreamingMarkdown } from './streaming-markdown';

type Render = (text: string) => string;

const loaded = $state<{
	markdown: typeof renderMarkdown | null;
	tex: RenderOptions['tex'] | null;
	streaming: typeof StreamingMarkdown | null;
}>({
	markdown: null,
	tex: null,
	streaming: null
});
let loadingMarkdown: Promise<void> | undefined;
let loadingTex: Promise<void> | undefined;
// One function for each stage, so a change of renderer (KaTeX has come) can be told apart.
let withoutTex: Render | undefined;
let withTex: Render | undefined;

function loadTex() {
	loadingTex ??= import('$lib/math/katex').then((module) => {
		loaded.tex = module.renderTex;
	});
}

/** The renderer, or null while it is still loading (reading this starts the load). */
export function browserRenderer(): Render | null {
	const markdown = loaded.markdown;
	if (!markdown) {
		// The block-by-block drawing of a streamed reply comes with it: nothing else needs it.
		loadingMarkdown ??= Promise.all([import('$lib/markdown'), import('./streaming-markdown')]).then(
			([module, streaming]) => {
				loaded.streaming = streaming.StreamingMarkdown;
				loaded.markdown = module.renderMarkdown;
			}
		);
		return null;
	}
	const tex = loaded.tex;
	if (tex) return (withTex ??= (text) => markdown(text, { tex }));
	return (withoutTex ??= (text) => markdown(text, { onMath: loadTex }));
}

/** A streamed reply's block-by-block drawing, once the renderer has loaded (else null). */
export function newStreamingMarkdown(): StreamingMarkdown | null {
	return loaded.streaming ? new loaded.streaming() : null;
}
