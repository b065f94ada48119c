import { describe, expect, it } from 'vitest';
import { demoTitle } from './demo-model';
import { cleanTitle, TITLE_MAX_LENGTH } from './title';

describe('cleanTitle', () => {
	it.each([
		['"Title: The moon illusion."', 'The moon illusion'],
		['  **Tides and the moon**  ', 'Tides and the moon'],
		['“Sourdough basics”\n', 'Sourdough basics'],
		['title:   Kelp   forests', 'Kelp forests'],
		['Line one\nline two', 'Line one line two']
	])('%j becomes %j', (raw, title) => {
		expect(cleanTitle(raw)).toBe(title);
	});

	it('cuts at 60 code points without splitting an emoji', () => {
		const title = cleanTitle('🌊'.repeat(80));
		expect(Array.from(title)).toHaveLength(TITLE_MAX_LENGTH);
		expect(title.endsWith('🌊…')).toBe(true);
		expect(title.toWellFormed()).toBe(title);
	});

	it('leaves nothing of a title that is only punctuation', () => {
		expect(cleanTitle(' "" ')).toBe('');
	});
});

describe('demoTitle', () => {
	it('is the first six words, the same every time', () => {
		const question = 'why, does the moon look bigger near the horizon?';
		expect(demoTitle(question)).toBe('Why does the moon look bigger');
		expect(demoTitle(question)).toBe(demoTitle(question));
		expect(demoTitle('?!')).toBe('Untitled chat');
	});
});
