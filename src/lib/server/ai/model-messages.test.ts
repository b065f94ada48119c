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

	it('sends a message’s documents as text after it, cut to the room left, and its images as images', () => {
		const message = {
			id: '1',
			role: 'user' as const,
			content: 'Compare these',
			status: 'complete' as const,
			attachments: [
				{ kind: 'document' as const, name: 'a.txt', text: 'x'.repeat(500), cut: false },
				{ kind: 'image' as const, name: 'b.png', mediaType: 'image/png', path: 'u/b', url: 'http://files.test/b.png' }
			]
		};
		const [roomy] = modelMessages([message], 'reply', { acceptsImages: true, roomChars: 10_000 });
		expect(roomy.content).toEqual([
			{ type: 'text', text: `Compare these\n\n[Attached file: a.txt]\n${'x'.repeat(500)}` },
			{ type: 'file', data: new URL('http://files.test/b.png'), mediaType: 'image/png' }
		]);

		const [tight] = modelMessages([message], 'reply', { acceptsImages: false, roomChars: 200 });
		const text = tight.content as string;
		expect(text.startsWith('Compare these\n\n[Attached file: a.txt (only its beginning fit)]\nxxx')).toBe(true);
		expect(text.length).toBeLessThan(300);
		expect(text.endsWith('[Attached images this model cannot see: b.png]')).toBe(true);
	});
});
