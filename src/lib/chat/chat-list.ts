// The chat list's shape, shared by the server (which renders it first) and the browser (which
// loads further pages and regroups): the paging cursor and the date groups.
import type { ChatSummary } from './messages';

export const CHAT_PAGE_SIZE = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ChatCursor {
	updatedAt: string;
	id: string;
}

/** Where the next page starts: just after the last chat listed. */
export const cursorAfter = (chat: ChatSummary): string => `${chat.updated_at}_${chat.id}`;

/** A cursor from a URL, or null for anything that is not one (which lists from the newest). */
export function parseCursor(value: string | null): ChatCursor | null {
	if (!value) return null;
	const cut = value.lastIndexOf('_');
	const updatedAt = value.slice(0, cut);
	const id = value.slice(cut + 1);
	if (cut < 1 || !UUID.test(id) || Number.isNaN(Date.parse(updatedAt))) return null;
	return { updatedAt: new Date(updatedAt).toISOString(), id };
}

export interface ChatGroup {
	label: string;
	chats: ChatSummary[];
}

interface ZoneFormats {
	day: Intl.DateTimeFormat;
	month: Intl.DateTimeFormat;
}

// Building an Intl.DateTimeFormat costs far more than using one, and a Worker pays for CPU: one
// pair per time zone is kept for the isolate's life (a handful of zones, bounded anyway).
const formats = new Map<string, ZoneFormats>();

function formatsFor(timeZone: string): ZoneFormats {
	let found = formats.get(timeZone);
	if (!found) {
		found = {
			day: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
			month: new Intl.DateTimeFormat('en', { timeZone, year: 'numeric', month: 'long' })
		};
		if (formats.size >= 64) formats.clear();
		formats.set(timeZone, found);
	}
	return found;
}

/** A time zone the runtime knows, or UTC. */
export function knownTimeZone(value: string | undefined): string {
	if (!value || value.length > 64) return 'UTC';
	try {
		formatsFor(value);
		return value;
	} catch {
		return 'UTC';
	}
}

const QUARTER_HOUR = 900_000;
// Every time zone's offset has been a whole number of quarter hours since 1972 (Liberia's was the
// last that was not), so all the instants of a quarter hour fall on the same calendar day. Every
// page view lists the same chats again: a day, once formatted, is kept for the isolate's life
// (bounded), where formatting it cost microseconds a chat each time.
const calendarDays = new Map<string, number>();

/** The calendar day of an instant in a time zone, as days since 1970-01-01. */
function calendarDay(time: number, timeZone: string): number {
	const key = `${timeZone} ${Math.floor(time / QUARTER_HOUR)}`;
	let found = calendarDays.get(key);
	if (found === undefined) {
		const [y, m, d] = formatsFor(timeZone).day.format(time).split('-').map(Number);
		found = Date.UTC(y, m - 1, d) / 86_400_000;
		if (calendarDays.size >= 4096) calendarDays.clear();
		calendarDays.set(key, found);
	}
	return found;
}

/**
 * Groups newest-first chats as Today, Yesterday, Previous 7 days, Previous 30 days, then by month,
 * counting calendar days in the person's time zone.
 */
export function groupChats(chats: ChatSummary[], now: number, timeZone: string): ChatGroup[] {
	const { month } = formatsFor(timeZone);
	const today = calendarDay(now, timeZone);
	const groups: ChatGroup[] = [];
	for (const chat of chats) {
		const time = Date.parse(chat.updated_at);
		const age = today - calendarDay(time, timeZone);
		const label =
			age <= 0
				? 'Today'
				: age === 1
					? 'Yesterday'
					: age <= 7
						? 'Previous 7 days'
						: age <= 30
							? 'Previous 30 days'
							: month.format(time);
		const last = groups.at(-1);
		if (last?.label === label) last.chats.push(chat);
		else groups.push({ label, chats: [chat] });
	}
	return groups;
}
