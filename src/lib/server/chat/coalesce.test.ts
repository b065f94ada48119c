import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamEvent } from '$lib/chat/stream-protocol';
import { COALESCE_MS, coalescingSender } from './coalesce';

describe('coalescing a reply’s text into fewer events', () => {
	let sent: StreamEvent[];
	beforeEach(() => {
		vi.useFakeTimers();
		sent = [];
	});
	afterEach(() => vi.useRealTimers());

	const sender = () => coalescingSender((event) => sent.push(event));

	it('sends the first text at once, and text that follows within the window as one event after it', () => {
		const out = sender();
		out.text({ type: 'delta', text: 'Hello' });
		expect(sent).toEqual([{ type: 'delta', text: 'Hello' }]);
		out.text({ type: 'delta', text: ' there' });
		out.text({ type: 'delta', text: ', you' });
		expect(sent).toHaveLength(1);
		vi.advanceTimersByTime(COALESCE_MS);
		expect(sent).toEqual([
			{ type: 'delta', text: 'Hello' },
			{ type: 'delta', text: ' there, you' }
		]);
	});

	it('sends the first text at once after the stream’s start, however soon it comes', () => {
		const out = sender();
		out.send({ type: 'start', sessionId: 's', replyId: 'r', model: 'm' });
		out.text({ type: 'delta', text: 'Hi' });
		expect(sent).toEqual([
			{ type: 'start', sessionId: 's', replyId: 'r', model: 'm' },
			{ type: 'delta', text: 'Hi' }
		]);
	});

	it('sends text at once when the last text went out longer ago than the window', () => {
		const out = sender();
		out.text({ type: 'delta', text: 'One' });
		vi.advanceTimersByTime(COALESCE_MS + 1);
		out.text({ type: 'delta', text: ' two' });
		expect(sent).toEqual([
			{ type: 'delta', text: 'One' },
			{ type: 'delta', text: ' two' }
		]);
	});

	it('keeps thinking and answer apart and in order, and sends held text before any other event', () => {
		const out = sender();
		out.text({ type: 'reasoning', text: 'Let me' });
		out.text({ type: 'reasoning', text: ' think.' });
		out.text({ type: 'delta', text: 'Yes' });
		out.text({ type: 'delta', text: '.' });
		out.send({ type: 'done' });
		expect(sent).toEqual([
			{ type: 'reasoning', text: 'Let me' },
			{ type: 'reasoning', text: ' think.' },
			{ type: 'delta', text: 'Yes.' },
			{ type: 'done' }
		]);
		// Nothing is left to send when the window ends.
		vi.advanceTimersByTime(COALESCE_MS);
		expect(sent).toHaveLength(4);
	});

	it('loses no text: what is sent adds up to what came, in order', () => {
		const out = sender();
		const words = Array.from({ length: 50 }, (_, n) => `w${n} `);
		for (const word of words) {
			out.text({ type: 'delta', text: word });
			vi.advanceTimersByTime(7);
		}
		out.flush();
		const texts = sent.map((event) => (event.type === 'delta' ? event.text : ''));
		expect(texts.join('')).toBe(words.join(''));
		expect(sent.length).toBeLessThan(words.length / 3);
	});
});
