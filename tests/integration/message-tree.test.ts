// The message tree through PostgREST: Regenerate and Edit store siblings, the active path is
// chosen in the database and survives a reload, the model is given only that path, two requests
// at once make one reply, nothing is added below a reply being written, and neither B nor anon
// can read, switch, regenerate, edit or attach to A's messages (the parent's foreign key included).
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { exportedChats } from '../../src/lib/server/chat/transfer.ts';
import { adminClient, anonClient, dbUrl, isLocalStack, signedUpUser } from './supabase.ts';

type Client = SupabaseClient<Database>;
const admin = adminClient() as Client;

describe.skipIf(!isLocalStack)('the message tree', () => {
	const sql = postgres(dbUrl ?? '', { max: 1, onnotice: () => {} });
	let a: Client;
	let b: Client;
	let aUserId: string;
	beforeAll(async () => {
		const [first, second] = [await signedUpUser('tree-a'), await signedUpUser('tree-b')];
		for (const user of [first, second]) {
			await admin.auth.admin.updateUserById(user.userId, { app_metadata: { concurrent_reply_limit: 100 } });
		}
		a = first.client as Client;
		b = second.client as Client;
		aUserId = first.userId;
	});
	afterAll(() => sql.end());

	/** Ends a reply as the writer would, so the next turn can be added below it. */
	const finish = (replyId: string, token: string | null, content: string) =>
		anonClient().rpc('finish_reply', {
			p_reply_id: replyId,
			p_writer_token: token ?? '',
			p_content: content,
			p_status: 'complete',
			p_model: 'fake-model'
		});

	async function turn(client: Client, content: string, sessionId?: string) {
		const { data, error } = await client.rpc('post_message', {
			p_message_id: randomUUID(),
			p_content: content,
			p_session_id: sessionId
		});
		expect(error).toBeNull();
		const row = data![0];
		expect((await finish(row.reply_id, row.writer_token, `Answer to ${content}`)).data).toBe(true);
		return { sessionId: row.session_id, replyId: row.reply_id, messageId: data![1].id };
	}

	async function shown(client: Client, sessionId: string) {
		const { data, error } = await client.rpc('get_chat', { p_session_id: sessionId });
		expect(error).toBeNull();
		return data!
			.filter((row) => row.id)
			.map((row) => ({ id: row.id, content: row.content, version: `${row.version} / ${row.versions}` }));
	}

	async function regenerate(client: Client, replyId: string, answer?: string) {
		const result = await client.rpc('regenerate_reply', { p_reply_id: replyId });
		if (result.data?.[0] && answer !== undefined)
			await finish(result.data[0].reply_id, result.data[0].writer_token, answer);
		return result;
	}

	it('regenerates a finished reply as a sibling, and switching versions is stored', async () => {
		const first = await turn(a, 'Name a colour');
		const { data, error } = await regenerate(a, first.replyId, 'Blue');
		expect(error).toBeNull();
		const again = data![0];
		expect(again.is_new).toBe(true);
		expect(again.reply_id).not.toBe(first.replyId);
		// The model is given the path to the new reply, newest first: the question, not the old answer.
		expect(data!.map((row) => [row.role, row.content])).toEqual([
			['assistant', ''],
			['user', 'Name a colour']
		]);

		expect(await shown(a, first.sessionId)).toEqual([
			{ id: first.messageId, content: 'Name a colour', version: '1 / 1' },
			{ id: again.reply_id, content: 'Blue', version: '2 / 2' }
		]);
		const [withVersions] = (await a.rpc('get_chat', { p_session_id: first.sessionId })).data!.slice(1);
		expect([withVersions.previous_version, withVersions.next_version]).toEqual([first.replyId, null]);

		expect((await a.rpc('select_version', { p_message_id: first.replyId })).data).toBe(first.sessionId);
		// Read again, as a reload does: the choice is the database's, not the tab's.
		expect((await shown(a, first.sessionId)).at(-1)).toEqual({
			id: first.replyId,
			content: 'Answer to Name a colour',
			version: '1 / 2'
		});
	});

	it('edits a message into a new branch, keeps the old one, and remembers the choices below', async () => {
		const one = await turn(a, 'First question');
		const two = await turn(a, 'Second question', one.sessionId);
		await regenerate(a, two.replyId, 'Second answer, again');

		const { data, error } = await a.rpc('edit_message', {
			p_message_id: randomUUID(),
			p_source_id: one.messageId,
			p_content: 'First question, edited'
		});
		expect(error).toBeNull();
		const edited = data![0];
		expect(edited.is_new).toBe(true);
		// The edited branch's reply is given nothing of the old branch.
		expect(data!.map((row) => row.content)).toEqual(['', 'First question, edited']);
		await finish(edited.reply_id, edited.writer_token, 'A new answer');
		expect((await shown(a, one.sessionId)).map((row) => [row.content, row.version])).toEqual([
			['First question, edited', '2 / 2'],
			['A new answer', '1 / 1']
		]);

		// Back to the first version: the branch below it comes back as it was left, with the
		// regenerated second answer still the one shown.
		await a.rpc('select_version', { p_message_id: one.messageId });
		expect((await shown(a, one.sessionId)).map((row) => [row.content, row.version])).toEqual([
			['First question', '1 / 2'],
			['Answer to First question', '1 / 1'],
			['Second question', '1 / 1'],
			['Second answer, again', '2 / 2']
		]);
	});

	it('sends below the end of the shown path by default, and below any message named', async () => {
		const one = await turn(a, 'Start');
		await regenerate(a, one.replyId, 'Start, again');
		await a.rpc('select_version', { p_message_id: one.replyId });
		const next = await turn(a, 'Follow-up', one.sessionId);
		const { data } = await a.rpc('post_message', {
			p_message_id: randomUUID(),
			p_content: 'Context check',
			p_session_id: one.sessionId
		});
		expect(data!.map((row) => row.content)).toEqual([
			'',
			'Context check',
			'Answer to Follow-up',
			'Follow-up',
			'Answer to Start',
			'Start'
		]);
		expect(next.sessionId).toBe(one.sessionId);
	});

	it('gives two regenerations at once one new reply, which neither overwrites', async () => {
		const first = await turn(a, 'Race me');
		const [left, right] = await Promise.all([regenerate(a, first.replyId), regenerate(a, first.replyId)]);
		expect([left.error, right.error]).toEqual([null, null]);
		expect(left.data![0].reply_id).toBe(right.data![0].reply_id);
		expect([left.data![0].is_new, right.data![0].is_new].sort()).toEqual([false, true]);
		// Only the request that made the reply holds its writer token.
		expect([left.data![0].writer_token, right.data![0].writer_token].filter(Boolean)).toHaveLength(1);
		const [{ count }] = await sql`select count(*)::int from public.chat_messages where parent_id = ${first.messageId}`;
		expect(count).toBe(2);
	});

	it('refuses a message below a reply still being written, with 409, and stores nothing', async () => {
		const { data } = await a.rpc('post_message', { p_message_id: randomUUID(), p_content: 'Slow one' });
		const [{ session_id: sessionId, reply_id: replyId }] = data!;
		const refused = await a.rpc('post_message', {
			p_message_id: randomUUID(),
			p_content: 'Too soon',
			p_session_id: sessionId,
			p_parent_id: replyId
		});
		expect(refused.error?.code).toBe('PT409');
		const byDefault = await a.rpc('post_message', {
			p_message_id: randomUUID(),
			p_content: 'Too soon',
			p_session_id: sessionId
		});
		expect(byDefault.error?.code).toBe('PT409');
		const [{ count }] = await sql`select count(*)::int from public.chat_messages where session_id = ${sessionId}`;
		expect(count).toBe(2);
	});

	it('lets neither B nor anon read, switch, regenerate, edit or attach to A’s messages', async () => {
		const mine = await turn(a, 'A private question');
		const theirs = await turn(b, 'B’s own chat');
		const snapshot = () =>
			sql`select id, parent_id, content, status, selected_at from public.chat_messages
				where user_id = ${aUserId} order by position`;
		const before = await snapshot();

		for (const intruder of [b, anonClient() as Client]) {
			const read = await intruder.rpc('get_chat', { p_session_id: mine.sessionId });
			expect(read.data ?? []).toEqual([]);
			for (const call of [
				intruder.rpc('select_version', { p_message_id: mine.replyId }),
				intruder.rpc('regenerate_reply', { p_reply_id: mine.replyId }),
				intruder.rpc('edit_message', { p_message_id: randomUUID(), p_source_id: mine.messageId, p_content: 'x' })
			]) {
				const { error } = await call;
				// B is told the message does not exist; anon may not call these at all.
				expect(['P0002', '42501']).toContain(error?.code);
			}
		}
		// B's own chat cannot hang off A's message, by the function or by a direct insert: the
		// parent's foreign key alone would accept it.
		const viaFunction = await b.rpc('post_message', {
			p_message_id: randomUUID(),
			p_content: 'Attached to A',
			p_session_id: theirs.sessionId,
			p_parent_id: mine.replyId
		});
		expect(viaFunction.error?.code).toBe('P0002');
		const direct = await b
			.from('chat_messages')
			.insert({ session_id: theirs.sessionId, parent_id: mine.replyId, role: 'user', content: 'Attached to A' });
		expect(direct.error?.code).toBe('P0002');
		// A's own message cannot be moved under another parent, either.
		const moved = await a
			.from('chat_messages')
			.update({ parent_id: null } as never)
			.eq('id', mine.replyId);
		expect(moved.error?.code).toBe('42501');

		expect(await snapshot()).toEqual(before);
		const [{ count }] = await sql`select count(*)::int from public.chat_messages where parent_id = ${mine.replyId}`;
		expect(count).toBe(0);
	});

	it('shares and exports the shown path only', async () => {
		const one = await turn(a, 'Share this');
		await regenerate(a, one.replyId, 'The second answer');
		const { data: share } = await a.rpc('create_share', { p_session_id: one.sessionId });
		const { data } = await anonClient().rpc('get_shared_chat', { p_token: share![0].token });
		expect(data![0].messages).toEqual([
			{ role: 'user', content: 'Share this' },
			{ role: 'assistant', content: 'The second answer' }
		]);

		const shownPath = async () => {
			const chats = [];
			for await (const chat of exportedChats(a, one.sessionId)) chats.push(chat);
			return chats[0].messages.map((message) => message.content);
		};
		expect(await shownPath()).toEqual(['Share this', 'The second answer']);
		await a.rpc('select_version', { p_message_id: one.replyId });
		expect(await shownPath()).toEqual(['Share this', 'Answer to Share this']);
	});
});
