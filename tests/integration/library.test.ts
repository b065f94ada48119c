// The chat library's tables and functions through PostgREST: share links, search, paging and
// import, for the owner, another signed-in person and anon, verb by verb. "Nothing changed" is
// checked with the service-role client, which sees every row.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { adminClient, anonClient, finishAsWriter, signedUpUser } from './supabase.ts';

type Client = SupabaseClient<Database>;
const admin = adminClient() as Client;

async function chatOf(client: Client, content: string) {
	const { data, error } = await client.rpc('post_message', {
		p_message_id: randomUUID(),
		p_content: content,
		p_title: content.slice(0, 40)
	});
	if (error) throw error;
	return { sessionId: data[0].session_id, replyId: data[0].reply_id, writerToken: data[0].writer_token! };
}

const sharesOf = async (userId: string) =>
	(await admin.from('chat_shares').select('token, title, messages').eq('user_id', userId).order('token')).data ?? [];

describe('chat library under RLS', () => {
	let a: { db: Client; userId: string };
	let b: { db: Client; userId: string };
	const anon = anonClient() as Client;
	let aChat: { sessionId: string; replyId: string; writerToken: string };
	let aToken: string;

	beforeAll(async () => {
		const [first, second] = await Promise.all([signedUpUser('lib-a'), signedUpUser('lib-b')]);
		a = { db: first.client as Client, userId: first.userId };
		b = { db: second.client as Client, userId: second.userId };
		aChat = await chatOf(a.db, 'Kelp forests of the northern Pacific');
		await finishAsWriter(aChat.replyId, aChat.writerToken, 'Kelp grows fast.');
		await chatOf(b.db, 'Kelp farming as a business');
		const shared = await a.db.rpc('create_share', { p_session_id: aChat.sessionId });
		expect(shared.error).toBeNull();
		aToken = shared.data![0].token;
	});

	it('shares a snapshot of finished messages behind a 256-bit-format token', async () => {
		expect(aToken).toMatch(/^[0-9a-f]{64}$/);
		const [share] = await sharesOf(a.userId);
		expect(share.messages).toEqual([
			{ role: 'user', content: 'Kelp forests of the northern Pacific' },
			{ role: 'assistant', content: 'Kelp grows fast.' }
		]);
		// Two shares of one chat get two different tokens.
		const again = await a.db.rpc('create_share', { p_session_id: aChat.sessionId });
		expect(again.data![0].token).not.toBe(aToken);
		await a.db.from('chat_shares').delete().eq('token', again.data![0].token);
	});

	it('puts a reply’s thinking in a share only when its owner asks, and never another’s', async () => {
		const chat = await chatOf(a.db, 'Why is the sea salty?');
		const finished = await anonClient().rpc('finish_reply', {
			p_reply_id: chat.replyId,
			p_writer_token: chat.writerToken,
			p_content: 'Rivers carry salt in.',
			p_status: 'complete',
			p_model: 'fake-model',
			p_reasoning: 'Rain weathers rock; rivers carry ions.',
			p_reasoning_ms: 2400
		});
		expect(finished.error).toBeNull();
		const shareOf = async (args: { p_session_id: string; p_with_thinking?: boolean }) => {
			const shared = await a.db.rpc('create_share', args);
			expect(shared.error).toBeNull();
			return (await anon.rpc('get_shared_chat', { p_token: shared.data![0].token })).data![0].messages;
		};
		const answer = { role: 'assistant', content: 'Rivers carry salt in.' };
		const question = { role: 'user', content: 'Why is the sea salty?' };
		expect(await shareOf({ p_session_id: chat.sessionId })).toEqual([question, answer]);
		expect(await shareOf({ p_session_id: chat.sessionId, p_with_thinking: false })).toEqual([question, answer]);
		expect(await shareOf({ p_session_id: chat.sessionId, p_with_thinking: true })).toEqual([
			question,
			{ ...answer, reasoning: 'Rain weathers rock; rivers carry ions.', reasoning_ms: 2400 }
		]);
		// Asking for the thinking opens nothing of another person's chat.
		const sharesOfChat = async () =>
			(await admin.from('chat_shares').select('token').eq('session_id', chat.sessionId)).data?.length;
		const before = await sharesOfChat();
		expect((await b.db.rpc('create_share', { p_session_id: chat.sessionId, p_with_thinking: true })).error?.code).toBe(
			'P0002'
		);
		expect((await anon.rpc('create_share', { p_session_id: chat.sessionId, p_with_thinking: true })).error?.code).toBe(
			'42501'
		);
		expect(await sharesOfChat()).toBe(before);
		await admin.from('chat_sessions').delete().eq('id', chat.sessionId);
	});

	it('gives anyone the share by its exact token, and nothing else', async () => {
		for (const client of [anon, b.db, a.db]) {
			const { data, error } = await client.rpc('get_shared_chat', { p_token: aToken });
			expect(error).toBeNull();
			expect(data).toHaveLength(1);
			expect(data![0].title).toBe('Kelp forests of the northern Pacific');
			// A near miss, a pattern, or nothing at all reads nothing.
			for (const token of [aToken.slice(0, -1) + (aToken.endsWith('0') ? '1' : '0'), '%', '', aToken.slice(0, 32)]) {
				expect((await client.rpc('get_shared_chat', { p_token: token })).data).toEqual([]);
			}
		}
	});

	it('lets neither anon nor another person list, forge, change or revoke A’s shares', async () => {
		const before = await sharesOf(a.userId);
		// Anon has no grant on the table at all; B sees only their own (none).
		expect((await anon.from('chat_shares').select('token')).error?.code).toBe('42501');
		expect((await b.db.from('chat_shares').select('token')).data).toEqual([]);
		for (const client of [anon, b.db]) {
			const forged = await client.from('chat_shares').insert({
				token: 'f'.repeat(64),
				session_id: aChat.sessionId,
				user_id: a.userId,
				title: 'forged',
				messages: []
			});
			expect(forged.error?.code).toBe('42501');
			const changed = await client.from('chat_shares').update({ title: 'changed' }).eq('token', aToken).select();
			expect(changed.error?.code).toBe('42501');
			const revoked = await client.from('chat_shares').delete().eq('token', aToken).select();
			expect(revoked.data ?? []).toEqual([]);
		}
		// Sharing someone else's chat, or sharing without signing in, fails too.
		expect((await b.db.rpc('create_share', { p_session_id: aChat.sessionId })).error?.code).toBe('P0002');
		expect((await anon.rpc('create_share', { p_session_id: aChat.sessionId })).error?.code).toBe('42501');
		// Even the owner cannot rewrite a snapshot: there is no update grant.
		const rewritten = await a.db.from('chat_shares').update({ title: 'rewritten' }).eq('token', aToken).select();
		expect(rewritten.error?.code).toBe('42501');

		expect(await sharesOf(a.userId)).toEqual(before);
		expect(await sharesOf(b.userId)).toEqual([]);
		// The token does not open the chat itself.
		for (const client of [anon, b.db]) {
			expect((await client.from('chat_sessions').select('id').eq('id', aChat.sessionId)).data ?? []).toEqual([]);
			expect((await client.from('chat_messages').select('id').eq('session_id', aChat.sessionId)).data ?? []).toEqual(
				[]
			);
		}
	});

	it('revokes a share for good, and deleting the chat revokes its shares', async () => {
		const extra = await a.db.rpc('create_share', { p_session_id: aChat.sessionId });
		const token = extra.data![0].token;
		const revoked = await a.db.from('chat_shares').delete().eq('token', token).select('token');
		expect(revoked.data).toEqual([{ token }]);
		expect((await anon.rpc('get_shared_chat', { p_token: token })).data).toEqual([]);

		const doomed = await chatOf(a.db, 'Soon deleted');
		const share = await a.db.rpc('create_share', { p_session_id: doomed.sessionId });
		await a.db.from('chat_sessions').delete().eq('id', doomed.sessionId);
		expect((await anon.rpc('get_shared_chat', { p_token: share.data![0].token })).data).toEqual([]);
	});

	it('searches only the caller’s own messages, though both people use the word', async () => {
		const mine = await a.db.rpc('search_chats', { p_query: 'kelp' });
		expect(mine.error).toBeNull();
		expect(mine.data!.map((row) => row.session_id)).toEqual([aChat.sessionId, aChat.sessionId]);
		expect(mine.data!.every((row) => row.snippet.includes('\uE000Kelp\uE001'))).toBe(true);
		const theirs = await b.db.rpc('search_chats', { p_query: 'kelp' });
		expect(theirs.data!.map((row) => row.title)).toEqual(['Kelp farming as a business']);
		// The trigram fallback is under RLS too.
		const partial = await b.db.rpc('search_chats', { p_query: 'northe' });
		expect(partial.data).toEqual([]);
		// The title is the first message here, so the chat is listed once, at the message.
		const fallback = await a.db.rpc('search_chats', { p_query: 'northe' });
		expect(fallback.data!.map((row) => [row.session_id, row.snippet])).toEqual([
			[aChat.sessionId, 'Kelp forests of the \uE000northe\uE001rn Pacific']
		]);
		expect((await anon.rpc('search_chats', { p_query: 'kelp' })).error?.code).toBe('42501');
	});

	it('keeps the search helpers out of the API: they are not in an exposed schema', async () => {
		const query = "'kelp'";
		for (const client of [anon, b.db, a.db]) {
			const inPublic = await client.rpc('matching_messages' as never, { p_query: query, p_limit: 5 } as never);
			expect(inPublic.error?.code).toBe('PGRST202');
			const helper = await (client as unknown as SupabaseClient).schema('private').rpc('matching_messages', {
				p_query: query,
				p_limit: 5
			});
			expect(helper.error?.code).toBe('PGRST106');
			expect(helper.data).toBeNull();
		}
	});

	it('pages only the caller’s chats, and not for anon', async () => {
		const listed = await b.db.rpc('list_chats', {});
		expect(listed.data!.map((row) => row.title)).toEqual(['Kelp farming as a business']);
		expect((await anon.rpc('list_chats', {})).error?.code).toBe('42501');
	});

	it('imports new chats for the caller only, all or nothing', async () => {
		const file = [
			{
				title: 'Imported',
				model: 'm',
				messages: [
					{ role: 'user', content: 'Hi' },
					{ role: 'assistant', content: 'Hello' }
				]
			}
		];
		const imported = await b.db.rpc('import_chats', { p_chats: file });
		expect(imported.error).toBeNull();
		const { data: rows } = await admin
			.from('chat_messages')
			.select('user_id, role, content, status')
			.eq('session_id', imported.data![0])
			.order('position');
		expect(rows).toEqual([
			{ user_id: b.userId, role: 'user', content: 'Hi', status: 'complete' },
			{ user_id: b.userId, role: 'assistant', content: 'Hello', status: 'complete' }
		]);

		const count = async () =>
			(await admin.from('chat_sessions').select('id', { count: 'exact', head: true }).eq('user_id', b.userId)).count;
		const before = await count();
		// The second chat breaks a constraint: the first is not kept either.
		const broken = await b.db.rpc('import_chats', {
			p_chats: [file[0], { title: '', messages: [] }]
		});
		expect(broken.error?.code).toBe('23514');
		const badRole = await b.db.rpc('import_chats', {
			p_chats: [{ title: 'x', messages: [{ role: 'system', content: 'obey' }] }]
		});
		expect(badRole.error?.code).toBe('22023');
		expect(await count()).toBe(before);
		expect((await anon.rpc('import_chats', { p_chats: file })).error?.code).toBe('42501');
	});

	// The app refuses these before calling (src/lib/schemas/library.ts); called directly with the
	// person's own token, the database refuses them too, and stores nothing of the import.
	it.each([
		['more than 1,000 chats', () => Array.from({ length: 1001 }, (_, n) => ({ title: `Chat ${n}`, messages: [] }))],
		[
			'a chat of more than 2,000 messages',
			() => [{ title: 'Long', messages: Array.from({ length: 2001 }, () => ({ role: 'user', content: 'x' })) }]
		],
		[
			'more text than a 5 MiB file holds',
			() =>
				Array.from({ length: 60 }, (_, n) => ({
					title: `Big ${n}`,
					messages: [{ role: 'assistant', content: 'x'.repeat(90_000) }]
				}))
		],
		['no chats at all', () => []],
		['a message that is not text', () => [{ title: 'Odd', messages: [{ role: 'user', content: { evil: true } }] }]],
		['chats that are not a list', () => ({ title: 'Odd', messages: [] })]
	])('refuses an import of %s, called directly, and stores nothing', async (_label, chats) => {
		const count = async () =>
			(await admin.from('chat_sessions').select('id', { count: 'exact', head: true }).eq('user_id', b.userId)).count;
		const before = await count();
		const { error } = await b.db.rpc('import_chats', { p_chats: chats() as never });
		expect(error?.code).toBe('22023');
		expect(await count()).toBe(before);
	});
});

describe('delete_my_account', () => {
	it('deletes only the caller, with their chats, and nothing for anon', async () => {
		const [keeper, leaver] = await Promise.all([signedUpUser('keeps'), signedUpUser('leaves')]);
		await chatOf(keeper.client as Client, 'I stay');
		await chatOf(leaver.client as Client, 'I go');
		expect((await (anonClient() as Client).rpc('delete_my_account')).error?.code).toBe('42501');

		expect((await (leaver.client as Client).rpc('delete_my_account')).error).toBeNull();
		expect((await admin.auth.admin.getUserById(leaver.userId)).data.user).toBeNull();
		expect((await admin.from('chat_sessions').select('id').eq('user_id', leaver.userId)).data).toEqual([]);
		// The other person and their chat are untouched.
		expect((await admin.auth.admin.getUserById(keeper.userId)).data.user?.id).toBe(keeper.userId);
		expect((await admin.from('chat_sessions').select('title').eq('user_id', keeper.userId)).data).toEqual([
			{ title: 'I stay' }
		]);
	});
});
