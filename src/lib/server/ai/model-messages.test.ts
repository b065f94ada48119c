import { describe, expect, it } from 'vitest';
import { modelMessages } from './reply';

describe('modelMessages', () => {
	it('gives the model finished and stopped replies, and neither failed ones nor the one being written', () => {
		const history = [
			{ id: '1', role: 'user', content: 'One', status: 'complete' },
			{ id: '2', role: 'assistant', content: 'A whole answer', status: 'complete' },
			{ id: '3', role: 'user', content: 'Two', status: 'complete' },
			{ id: '4', role: 'assistant', content: 'Half an ans', status: 'stopped' },
			{ id: '5', role: 'user', content: 'Three', status: 'complete' },
			{ id: '6', role: 'assistant', content: 'Broken', status: 'error' },
			{ id: '7', role: 'user', content: 'Four', status: 'complete' },
			{ id: '8', role: 'assistant', content: '', status: 'stopped' },
			{ id: '9', role: 'user', content: 'Five', status: 'complete' },
			{ id: '10', role: 'assistant', content: 'So far', status: 'streaming' }
		] as const;
		expect(modelMessages([...history], '10')).toEqual([
			{ role: 'user', content: 'One' },
			{ role: 'assistant', content: 'A whole answer' },
			{ role: 'user', content: 'Two' },
			{ role: 'assistant', content: 'Half an ans' },
			{ role: 'user', content: 'Three' },
			{ role: 'user', content: 'Four' },
			{ role: 'user', content: 'Five' }
		]);
	});
});
