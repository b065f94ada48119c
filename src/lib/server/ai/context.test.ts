import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { estimateTokens, fitToContext } from './context';

const turns = (count: number, size: number): ModelMessage[] =>
	Array.from({ length: count }, (_, index) => ({
		role: index % 2 ? 'assistant' : 'user',
		content: `${index} ${'x'.repeat(size)}`
	})) as ModelMessage[];

describe('fitToContext', () => {
	it('sends a short conversation whole', () => {
		const messages = turns(6, 100);
		expect(fitToContext(messages, { contextTokens: 8192, maxOutputTokens: 1024 })).toEqual(messages);
	});

	it('drops the oldest turns first, and starts on a person’s turn', () => {
		const messages = turns(101, 400);
		const kept = fitToContext(messages, { contextTokens: 4096, maxOutputTokens: 1024 });
		expect(kept.at(-1)).toBe(messages.at(-1));
		expect(kept[0].role).toBe('user');
		expect(kept.length).toBeLessThan(messages.length);
		const tokens = kept.reduce((sum, message) => sum + estimateTokens(String(message.content)) + 4, 0);
		expect(tokens).toBeLessThanOrEqual((4096 - 1024) * 0.75);
		// Nothing in the middle goes missing: what is kept is the newest run of turns.
		expect(kept).toEqual(messages.slice(messages.length - kept.length));
	});

	it('counts the system prompt against the budget', () => {
		const messages = turns(41, 400);
		const without = fitToContext(messages, { contextTokens: 8192, maxOutputTokens: 1024 });
		const withPrompt = fitToContext(messages, { contextTokens: 8192, maxOutputTokens: 1024, system: 'y'.repeat(8000) });
		expect(withPrompt.length).toBeLessThan(without.length);
	});

	it('keeps the end of a last message that alone is too long, without a split emoji', () => {
		const last = { role: 'user', content: `${'😀'.repeat(5000)} the question` } as ModelMessage;
		const [kept] = fitToContext([last], { contextTokens: 1024, maxOutputTokens: 512 });
		expect(String(kept.content).endsWith(' the question')).toBe(true);
		expect(String(kept.content).length).toBeLessThan(String(last.content).length);
		expect(String(kept.content)).not.toMatch(/^[\uDC00-\uDFFF]/);
	});
});
