import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from './redirect';

describe('safeRedirectPath', () => {
	it.each([
		'/.//evil.com',
		'/..//evil.com',
		'/x/..//evil.com',
		'/%2e//evil.com',
		'/%2E%2E//evil.com',
		'/./\\evil.com',
		'/.\\/evil.com',
		'//evil.com',
		'/\\evil.com',
		'/\t/evil.com',
		'/\n/evil.com',
		'https://evil.com/chat',
		'http:evil.com',
		'javascript:alert(1)',
		'JaVaScRiPt:alert(1)',
		'data:text/html,<script>alert(1)</script>',
		'evil.com',
		'',
		null,
		undefined
	])('refuses %j', (value) => {
		expect(safeRedirectPath(value)).toBe('/chat');
	});

	it.each([
		['/%5c/evil.com', '/%5c/evil.com'],
		['/%5C%5Cevil.com', '/%5C%5Cevil.com'],
		['/%2f%2fevil.com', '/%2f%2fevil.com']
	])('keeps the encoded %j as a path on this site', (value, expected) => {
		const result = safeRedirectPath(value);
		expect(result).toBe(expected);
		// What a browser makes of the Location header stays on this site.
		expect(new URL(result, 'https://parley.example').origin).toBe('https://parley.example');
	});

	it.each([
		['/chat', '/chat'],
		['/chat/6b1e0f5c-1c84-4a53-9a4f-3b2f0d1e6f70', '/chat/6b1e0f5c-1c84-4a53-9a4f-3b2f0d1e6f70'],
		['/chat?x=1#latest', '/chat?x=1#latest'],
		['/chat/../chat/./x', '/chat/x']
	])('keeps %j', (value, expected) => {
		expect(safeRedirectPath(value)).toBe(expected);
	});
});
