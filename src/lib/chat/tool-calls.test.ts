import { describe, expect, it } from 'vitest';
import { replySegments, type ToolCallView } from './tool-calls';

const call = (id: string, at?: number): ToolCallView => ({
	id,
	server: 'test',
	serverLabel: 'Test tools',
	tool: id,
	args: '{}',
	status: 'complete',
	...(at === undefined ? {} : { at })
});

describe('replySegments', () => {
	it('puts each call’s card where the reply’s text stood when it was made', () => {
		const text = 'Let me look. Found it. Now the second: done.';
		const segments = replySegments(text, [call('a', 13), call('b', 13), call('c', 23)]);
		expect(segments.map((segment) => [segment.text, segment.calls.map((c) => c.id)])).toEqual([
			['Let me look. ', ['a', 'b']],
			['Found it. ', ['c']],
			['Now the second: done.', []]
		]);
		expect(segments.map((segment) => segment.text).join('')).toBe(text);
	});

	it('puts calls without a place first, and clamps a place beyond the text to its end', () => {
		const segments = replySegments('Done.', [call('old'), call('late', 99)]);
		expect(segments.map((segment) => [segment.text, segment.calls.map((c) => c.id)])).toEqual([
			['', ['old']],
			['Done.', ['late']],
			['', []]
		]);
	});
});
