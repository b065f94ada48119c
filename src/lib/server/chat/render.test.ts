import { describe, expect, it } from 'vitest';
import type { StoredMessage } from './types';
import { withRenderedReplies } from './render';

const reply = (id: string, content: string): StoredMessage => ({
	id,
	parent_id: null,
	role: 'assistant',
	content,
	status: 'complete',
	model: null,
	created_at: '2026-12-06T00:00:00Z',
	reasoning: '',
	reasoning_ms: null,
	is_live: false,
	version: 1,
	versions: 1,
	previous_version: null,
	next_version: null
});

describe('withRenderedReplies', () => {
	it('renders a reply again when its text is not the text it was rendered from', () => {
		const id = crypto.randomUUID();
		const [first] = withRenderedReplies([reply(id, 'The **first** answer')]);
		expect(first.html).toContain('<strong>first</strong>');
		const [again] = withRenderedReplies([reply(id, 'The **first** answer')]);
		expect(again.html).toBe(first.html);
		const [retried] = withRenderedReplies([reply(id, 'A *retried* answer')]);
		expect(retried.html).toContain('<em>retried</em>');
		expect(retried.html).not.toContain('first');
	});

	it('leaves the person’s own messages as text', () => {
		const [message] = withRenderedReplies([{ ...reply(crypto.randomUUID(), '**hi**'), role: 'user' }]);
		expect(message.html).toBeUndefined();
	});
});
