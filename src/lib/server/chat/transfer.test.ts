import { describe, expect, it } from 'vitest';
import { activePath } from './transfer';

const at = (fraction: string) => `2026-12-02T10:00:00.${fraction}+00:00`;

describe('activePath', () => {
	it('follows the version chosen last at each step, to the microsecond, the later one on a tie', () => {
		const messages = [
			{ id: 'q1', parent_id: null, selected_at: at('100000') },
			{ id: 'a1', parent_id: 'q1', selected_at: at('100000') },
			{ id: 'a2', parent_id: 'q1', selected_at: at('100002') },
			{ id: 'a3', parent_id: 'q1', selected_at: at('100001') },
			{ id: 'q2', parent_id: 'a1', selected_at: at('2') },
			{ id: 'q3', parent_id: 'a2', selected_at: at('3') },
			{ id: 'q4', parent_id: 'a2', selected_at: at('3') }
		];
		expect(activePath(messages).map((message) => message.id)).toEqual(['q1', 'a2', 'q4']);
		expect(activePath([])).toEqual([]);
	});
});
