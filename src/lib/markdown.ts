// Model output is untrusted: it can echo anything a prompt smuggled in. Markdown is rendered
// with marked, then every tag and attribute outside a short allow-list is removed by js-xss,
// which (unlike DOMPurify) needs no DOM and so runs the same on Workers and in the browser.
// The page's CSP is the second barrier.
import { Marked, Renderer, type Tokens } from 'marked';
import { FilterXSS, type IWhiteList } from 'xss';
import { mathExtension, type MathToken } from './math/delimiters';

const escapeText = (text: string) =>
	text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

const marked = new Marked({
	gfm: true,
	breaks: true,
	async: false,
	renderer: {
		// Task-list boxes become characters: no form control may come out of a reply, or a reply
		// could draw a text box that asks for a password.
		checkbox: ({ checked }) => (checked ? '☑ ' : '☐ '),
		// A code block gets a header bar naming its language, where the page puts Copy code.
		code(token: Tokens.Code) {
			const language = (token.lang ?? '').match(/^\S*/)?.[0] ?? '';
			const header = `<div class="code-header"><span class="code-lang">${escapeText(language || 'text')}</span></div>`;
			return `<div class="code-block">${header}${Renderer.prototype.code.call(this, token)}</div>`;
		},
		// A wide table scrolls inside its own box rather than widening the page.
		table(token: Tokens.Table) {
			return `<div class="table-scroll">${Renderer.prototype.table.call(this, token)}</div>`;
		}
	}
});

// Formulas are cut out before sanitizing and typeset after it: each becomes a placeholder that
// names this render's nonce, which no reply can know, so no text of a reply can be taken for one.
let formulas: MathToken[] = [];
let nonce = '';
marked.use(
	mathExtension((token) => {
		formulas.push(token);
		return `${nonce}${formulas.length - 1}z`;
	})
);

// The classes the renderer above writes, and highlight.js's; no other class survives, so a
// reply cannot dress its own markup as Parley's.
const ALLOWED_CLASS = /^(code-block|code-header|code-lang|table-scroll|language-[\w-]+|hljs[\w-]*)$/;

const allowed: IWhiteList = {
	a: ['href', 'title'],
	p: [],
	div: ['class'],
	span: ['class'],
	br: [],
	hr: [],
	strong: [],
	em: [],
	del: [],
	code: ['class'],
	pre: [],
	blockquote: [],
	ul: [],
	ol: ['start'],
	li: [],
	h1: [],
	h2: [],
	h3: [],
	h4: [],
	h5: [],
	h6: [],
	table: [],
	thead: [],
	tbody: [],
	tr: [],
	th: ['align'],
	td: ['align']
	// No <img>: a model could be talked into embedding an image URL that carries the chat away.
};

const LINK_REL = 'rel="noopener noreferrer nofollow" target="_blank"';
const SITE = new URL('https://parley.invalid');

/**
 * Whether a link's href (as it stands in the HTML, entities and all) may stay: a web or mail
 * address, or a path on this site. A path must read as one to a browser too, which takes `\` for
 * `/`, drops tabs and newlines, and decodes entities first; `/\evil.example`, `/&#9;/evil.example`
 * and their kin would otherwise lead off-site. So a same-site href holds no backslash, no blank or
 * control character and no entity but `&amp;`, and must still name this site once parsed.
 */
function allowedHref(value: string): boolean {
	const href = value.trim();
	if (/^(https?:|mailto:)/i.test(href)) return true;
	if (!/^[/#]/.test(href) || /&(?!amp;)/.test(href)) return false;
	const decoded = href.replaceAll('&amp;', '&');
	// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
	if (/[\\\s\x00-\x1f\x7f]/.test(decoded)) return false;
	try {
		return new URL(decoded, SITE).origin === SITE.origin;
	} catch {
		return false;
	}
}

const sanitizer = new FilterXSS({
	whiteList: allowed,
	stripIgnoreTag: true,
	stripIgnoreTagBody: ['script', 'style', 'iframe', 'object', 'embed', 'template', 'textarea', 'select', 'button'],
	onTagAttr(tag, name, value) {
		if (tag === 'a' && name === 'href' && !allowedHref(value)) return '';
		if (name === 'class') {
			const kept = value.split(/\s+/).filter((name) => ALLOWED_CLASS.test(name));
			return kept.length ? `class="${kept.join(' ')}"` : '';
		}
		return undefined;
	}
});

export interface RenderOptions {
	/** Typesets a formula (KaTeX, from $lib/math/katex); without it, a formula shows as its source. */
	tex?: (tex: string, display: boolean) => string;
	/** Told when the text holds a formula, typeset or not. */
	onMath?: () => void;
}

export function renderMarkdown(text: string, options: RenderOptions = {}): string {
	formulas = [];
	nonce = `m${crypto.randomUUID().replaceAll('-', '')}n`;
	const html = sanitizer
		.process(marked.parse(text) as string)
		// Every link opens without an opener, whatever the order of its attributes: js-xss writes a
		// kept tag as `<a` plus a space or `>`, and escapes text, so each `<a` here is a link.
		.replace(/<a(?=[\s>])/g, `<a ${LINK_REL}`);
	if (!formulas.length) return html;
	options.onMath?.();
	const found = formulas;
	return html.replace(new RegExp(`${nonce}(\\d+)z`, 'g'), (_, index: string) => {
		const formula = found[Number(index)];
		const body = options.tex ? options.tex(formula.tex, formula.display) : escapeText(formula.raw.trim());
		const kind = formula.display ? 'math-display' : 'math-inline';
		return formula.block ? `<div class="${kind}">${body}</div>` : `<span class="${kind}">${body}</span>`;
	});
}
