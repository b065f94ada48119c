import { describe, expect, it } from 'vitest';
import { malformedRequest } from './malformed-request';

describe('malformedRequest', () => {
	it.each([
		['a bare * request line', 'http://127.0.0.1:8788*'],
		['two Host headers run together', 'http://127.0.0.1:8788, evil.example/login']
	])('answers 400 for %s', async (_label, url) => {
		const response = malformedRequest(url);
		expect(response?.status).toBe(400);
		expect(await response?.text()).toMatch(/^Bad request/);
	});

	it('lets an ordinary URL through', () => {
		expect(malformedRequest('http://127.0.0.1:8788/chat?x=1')).toBeNull();
	});
});
