// Model output is untrusted: it can echo anything a prompt smuggled in. Markdown is rendered
// with marked, then every tag and attribute outside a short allow-list is removed by js-xss,
// which (unlike DOMPurify) needs no DOM and so runs the same on Workers and in the browser.
import { Marked } from 'marked';
import { FilterXSS, type IWhiteList } from 'xss';

const marked = new Marked({ gfm: true, breaks: true, async: false });

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
	td: ['align'],
	input: ['type', 'checked', 'disabled']
	// No <img>: a model could be talked into embedding an image URL that carries the chat away.
};

const sanitizer = new FilterXSS({
	whiteList: allowed,
	stripIgnoreTag: true,
	stripIgnoreTagBody: ['script', 'style', 'iframe', 'object', 'embed', 'template'],
	onTagAttr(tag, name, value) {
		if (tag === 'a' && name === 'href' && !/^(https?:|mailto:|#|\/(?!\/))/i.test(value.trim())) return '';
		if (tag === 'input' && name === 'type' && value !== 'checkbox') return '';
		return undefined;
	}
});

export function renderMarkdown(text: string): string {
	const html = marked.parse(text) as string;
	return sanitizer.process(html).replaceAll('<a href=', '<a rel="noopener noreferrer nofollow" target="_blank" href=');
}
