// Model output is untrusted: it can echo anything a prompt smuggled in. Markdown is rendered
// with marked, then every tag and attribute outside a short allow-list is removed by js-xss,
// which (unlike DOMPurify) needs no DOM and so runs the same on Workers and in the browser.
// The page's CSP is the second barrier.
import { Marked } from 'marked';
import { FilterXSS, type IWhiteList } from 'xss';

const marked = new Marked({
	gfm: true,
	breaks: true,
	async: false,
	// Task-list boxes become characters: no form control may come out of a reply, or a reply
	// could draw a text box that asks for a password.
	renderer: { checkbox: ({ checked }) => (checked ? '☑ ' : '☐ ') }
});

const allowed: IWhiteList = {
	a: ['href', 'title'],
	p: [],
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

const sanitizer = new FilterXSS({
	whiteList: allowed,
	stripIgnoreTag: true,
	stripIgnoreTagBody: ['script', 'style', 'iframe', 'object', 'embed', 'template', 'textarea', 'select', 'button'],
	onTagAttr(tag, name, value) {
		if (tag === 'a' && name === 'href' && !/^(https?:|mailto:|#|\/(?!\/))/i.test(value.trim())) return '';
		return undefined;
	}
});

export function renderMarkdown(text: string): string {
	const html = sanitizer.process(marked.parse(text) as string);
	// Every link opens without an opener, whatever the order of its attributes: js-xss writes a
	// kept tag as `<a` plus a space or `>`, and escapes text, so each `<a` here is a link.
	return html.replace(/<a(?=[\s>])/g, `<a ${LINK_REL}`);
}
