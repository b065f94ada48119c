import { describe, expect, it } from 'vitest';
import { shareSchema } from './chat';

describe('shareSchema', () => {
	it('shares the thinking only when the box is ticked', () => {
		expect(shareSchema.parse({ withThinking: null })).toEqual({ withThinking: false });
		expect(shareSchema.parse({ withThinking: 'on' })).toEqual({ withThinking: true });
	});

	it('refuses any other value with a message', () => {
		for (const value of ['true', 'off', '', 'on\u0000']) {
			const parsed = shareSchema.safeParse({ withThinking: value });
			expect(parsed.success).toBe(false);
			expect(parsed.error?.issues[0]?.message).toBe('That sharing choice is not valid.');
		}
	});
});
