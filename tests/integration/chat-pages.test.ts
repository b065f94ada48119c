// A long chat's page reads one page of its active path, not the whole tree: get_chat returns the
// newest messages (by default at most 50, or 24,000 characters; the app asks for less), pages
// back with p_before, opens the page holding a message with p_at, follows a new branch, and shows
// another person nothing.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { anonClient, finishAsWriter, signedUpUser } from './supabase.ts';

type Client = SupabaseClient<Database>;
type Page = Database['public']['Functions']['get_chat']['Returns'];

const TURNS = 130;
const texts = Array.from({ length: TURNS }, (_, n) => [`Question ${n}`, `Answer ${n}`]).flat();

async function page(client: Client, args: Database['public']['Functions']['get_chat']['Args']): Promise<Page> {
	const { data, error } = await client.rpc('get_chat', args);
	if (error) throw error;
	return data;
}

describe('the pages of a chat of 260 messages', () => {
	let a: Client;
	let b: Client;
	let sessionId: string;
	let bSessionId: string;

	beforeAll(async () => {
		const [first, second] = await Promise.all([signedUpUser('pages-a'), signedUpUser('pages-b')]);
		a = first.client as Client;
		b = second.client as Client;
		const messages = texts.map((content, n) => ({ role: n % 2 ? 'assistant' : 'user', content }));
		const imported = await a.rpc('import_chats', { p_chats: [{ title: 'Numbers', messages }] });
		expect(imported.error).toBeNull();
		sessionId = imported.data![0];
		const theirs = await b.rpc('import_chats', {
			p_chats: [{ title: 'Theirs', messages: [{ role: 'user', content: 'B’s only message' }] }]
		});
		bSessionId = theirs.data![0];
	});

	it('reads the newest 50 messages, in order, each answering the one before', async () => {
		const rows = await page(a, { p_session_id: sessionId });
		expect(rows.map((row) => row.content)).toEqual(texts.slice(-50));
		expect(rows.slice(1).map((row) => row.parent_id)).toEqual(rows.slice(0, -1).map((row) => row.id));
		expect(rows[0]).toMatchObject({ title: 'Numbers', has_earlier: true, has_later: false });
	});

	it('pages back to the first message, each message once', async () => {
		const seen: string[] = [];
		let before: string | undefined;
		for (let pages = 0; pages < 10; pages++) {
			const rows = await page(a, { p_session_id: sessionId, p_before: before });
			seen.unshift(...rows.map((row) => row.content));
			expect(rows[0].role).toBe('user');
			expect(rows[0].has_later).toBe(pages > 0);
			if (!rows[0].has_earlier) break;
			before = rows[0].id;
		}
		expect(seen).toEqual(texts);
	});

	it('fills a page by characters too, and never begins one with a reply', async () => {
		// Each message is 10 to 12 characters: 25 characters hold two or three, and the reply
		// the page would begin with brings the question it answers.
		const rows = await page(a, { p_session_id: sessionId, p_chars: 25 });
		expect(rows.map((row) => row.content)).toEqual(texts.slice(-4));
		const one = await page(a, { p_session_id: sessionId, p_limit: 1 });
		expect(one.map((row) => row.content)).toEqual(texts.slice(-2));
	});

	it('opens the page that holds a linked message, with what follows it', async () => {
		const all: Page = [];
		let before: string | undefined;
		do {
			const rows = await page(a, { p_session_id: sessionId, p_before: before });
			all.unshift(...rows);
			before = rows[0].has_earlier ? rows[0].id : undefined;
		} while (before);
		const linked = all[21];
		const rows = await page(a, { p_session_id: sessionId, p_at: linked.id });
		expect(rows.map((row) => row.content)).toEqual(texts.slice(0, 25));
		expect(rows[0]).toMatchObject({ has_earlier: false, has_later: true });
		// A message near the end opens the newest page.
		const last = await page(a, { p_session_id: sessionId, p_at: all.at(-2)!.id });
		expect(last.map((row) => row.content)).toEqual(texts.slice(-50));
		expect(last[0].has_later).toBe(false);
		// The newest page reaches back to the linked message, past its character budget, and
		// begins with the question a linked reply answers.
		const reaching = await page(a, { p_session_id: sessionId, p_at: all.at(-15)!.id, p_chars: 25 });
		expect(reaching.map((row) => row.content)).toEqual(texts.slice(-16));
		expect(reaching[0].has_later).toBe(false);
	});

	it('follows a new branch: an edited message far back ends the newest page', async () => {
		const rows = await page(a, { p_session_id: sessionId });
		const source = rows[10];
		const { data, error } = await a.rpc('edit_message', {
			p_message_id: randomUUID(),
			p_source_id: source.id,
			p_content: 'Question edited'
		});
		expect(error).toBeNull();
		await finishAsWriter(data![0].reply_id, data![0].writer_token!, 'Answer edited');
		const newest = await page(a, { p_session_id: sessionId });
		const index = texts.indexOf(source.content);
		expect(newest.map((row) => row.content)).toEqual([
			...texts.slice(index - 48, index),
			'Question edited',
			'Answer edited'
		]);
		expect(newest.at(-2)).toMatchObject({ version: 2, versions: 2, previous_version: source.id });
		expect(newest[0].has_later).toBe(false);
	});

	it('shows another person nothing: not the chat, not a message named in their own chat', async () => {
		const mine = await page(a, { p_session_id: sessionId });
		expect(await page(b, { p_session_id: sessionId })).toEqual([]);
		expect(await page(b, { p_session_id: sessionId, p_at: mine[3].id })).toEqual([]);
		// A's message named in B's own chat is not found there, so B sees their own newest page.
		for (const named of [{ p_at: mine[3].id }, { p_before: mine[3].id }]) {
			const rows = await page(b, { p_session_id: bSessionId, ...named });
			expect(rows.map((row) => row.content)).toEqual(['B’s only message']);
		}
		const anon = await anonClient().rpc('get_chat', { p_session_id: sessionId });
		expect(anon.error?.code).toBe('42501');
	});

	it('chat_page answers what get_chat and list_chats answer, in one call, and shows another person nothing', async () => {
		const args = { p_session_id: sessionId, p_limit: 20, p_chars: 12_000 };
		const both = async (client: Client, session: string) => {
			const { data, error } = await client.rpc('chat_page', { ...args, p_session_id: session, p_list_limit: 3 });
			expect(error).toBeNull();
			return data as unknown as { chat: Page; chats: Database['public']['Functions']['list_chats']['Returns'] };
		};
		const mine = await both(a, sessionId);
		expect(mine.chat).toEqual(await page(a, args));
		expect(mine.chat).toHaveLength(20);
		expect(mine.chats).toEqual((await a.rpc('list_chats', { p_limit: 3 })).data);
		expect(mine.chats.map((chat) => chat.id)).toEqual([sessionId]);

		// B, with their own token, asking for A's chat: nothing of it, and B's own list.
		const theirs = await both(b, sessionId);
		expect(theirs.chat).toEqual([]);
		expect(theirs.chats.map((chat) => chat.id)).toEqual([bSessionId]);
		// The list pages as list_chats does: past B's only chat there is nothing.
		const after = await b.rpc('chat_page', {
			...args,
			p_session_id: bSessionId,
			p_list_before_updated_at: theirs.chats[0].updated_at,
			p_list_before_id: bSessionId
		});
		expect((after.data as unknown as { chats: unknown[] }).chats).toEqual([]);
		const anon = await anonClient().rpc('chat_page', args);
		expect(anon.error?.code).toBe('42501');
	});
});
