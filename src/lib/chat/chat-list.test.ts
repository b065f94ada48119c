import { describe, expect, it } from 'vitest';
import { cursorAfter, groupChats, knownTimeZone, parseCursor } from './chat-list';

const chat = (id: number, updated_at: string) => ({
	id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
	title: `Chat ${id}`,
	updated_at
});

describe('groupChats', () => {
	const now = Date.parse('2026-12-01T10:00:00Z');

	it('groups by calendar day in the person’s time zone, then by month', () => {
		const chats = [
			chat(1, '2026-12-01T09:00:00Z'),
			chat(2, '2026-11-30T23:30:00Z'),
			chat(3, '2026-11-26T12:00:00Z'),
			chat(4, '2026-11-10T12:00:00Z'),
			chat(5, '2026-09-15T12:00:00Z'),
			chat(6, '2026-09-01T12:00:00Z'),
			chat(7, '2025-12-24T12:00:00Z')
		];
		const groups = groupChats(chats, now, 'UTC').map((group) => [group.label, group.chats.map((c) => c.title)]);
		expect(groups).toEqual([
			['Today', ['Chat 1']],
			['Yesterday', ['Chat 2']],
			['Previous 7 days', ['Chat 3']],
			['Previous 30 days', ['Chat 4']],
			['September 2026', ['Chat 5', 'Chat 6']],
			['December 2025', ['Chat 7']]
		]);
		// 23:30 UTC on the 30th is already the 1st in Berlin: today there, yesterday in UTC.
		expect(groupChats([chat(2, '2026-11-30T23:30:00Z')], now, 'Europe/Berlin')[0].label).toBe('Today');
	});

	it('tells the days apart at a midnight a quarter hour off the hour', () => {
		// Kathmandu is 5:45 ahead: its midnight of the 1st is 18:15 UTC on the 30th.
		const label = (updatedAt: string) => groupChats([chat(1, updatedAt)], now, 'Asia/Kathmandu')[0].label;
		expect(label('2026-11-30T18:14:59Z')).toBe('Yesterday');
		expect(label('2026-11-30T18:15:00Z')).toBe('Today');
		// Asked again, the day comes from what groupChats keeps, and must still be the right one.
		expect(label('2026-11-30T18:14:59Z')).toBe('Yesterday');
	});
});

describe('the chat list cursor', () => {
	it('round-trips, and anything else lists from the newest', () => {
		const last = chat(9, '2026-11-30T23:30:00.123456+00:00');
		expect(parseCursor(cursorAfter(last))).toEqual({ updatedAt: '2026-11-30T23:30:00.123Z', id: last.id });
		for (const bad of [null, '', 'x', '2026-11-30_not-a-uuid', `nonsense_${last.id}`, `_${last.id}`]) {
			expect(parseCursor(bad)).toBeNull();
		}
	});
});

describe('knownTimeZone', () => {
	it('keeps a zone the runtime knows and falls back to UTC', () => {
		expect(knownTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
		expect(knownTimeZone('Mars/Olympus_Mons')).toBe('UTC');
		expect(knownTimeZone(undefined)).toBe('UTC');
		expect(knownTimeZone('x'.repeat(100))).toBe('UTC');
	});
});
