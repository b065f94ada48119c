// The chat tables and functions through PostgREST, as the app reaches them: per-user isolation,
// the foreign-key hole closed by the insert policy, idempotent resubmits, and all-or-nothing
// session creation. "Nothing changed" is checked with the service-role client, which sees all.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { adminClient, anonClient, finishAsWriter, publishableKey, signedUpUser, url } from './supabase.ts';
import { createClient } from '@supabase/supabase-js';

type Client = SupabaseClient<Database>;
const admin = adminClient() as Client;

async function post(client: Client, content: string, sessionId?: string, messageId = randomUUID()) {
	return client.rpc('post_message', {
		p_message_id: messageId,
		p_content: content,
		p_session_id: sessionId,
		p_title: sessionId ? undefined : content.slice(0, 40)
	});
}

/** Ends a reply as written, so the chat takes its next message (none goes below a live reply). */
const answer = (replyId: string, writerToken: string) => finishAsWriter(replyId, writerToken, 'Answered');

async function rowsFor(userId: string) {
	const sessions = await admin.from('chat_sessions').select('id, title, updated_at').eq('user_id', userId);
	const messages = await admin.from('chat_messages').select('id, content, status').eq('user_id', userId);
	return { sessions: sessions.data ?? [], messages: messages.data ?? [] };
}

describe('chat schema under RLS', () => {
	let a: Awaited<ReturnType<typeof signedUpUser>> & { db: Client };
	let b: Awaited<ReturnType<typeof signedUpUser>> & { db: Client };
	let aSession: string;
	let aReply: string;

	beforeAll(async () => {
		const first = await signedUpUser('chat-a');
		const second = await signedUpUser('chat-b');
		// These tests leave their replies unwritten (`streaming`), which the concurrency cap would
		// count; usage-limits.test.ts covers the cap itself.
		for (const user of [first, second]) {
			await admin.auth.admin.updateUserById(user.userId, { app_metadata: { concurrent_reply_limit: 100 } });
		}
		a = { ...first, db: first.client as Client };
		b = { ...second, db: second.client as Client };
		const { data, error } = await post(a.db, 'Hello from A');
		expect(error).toBeNull();
		aSession = data![0].session_id;
		aReply = data![0].reply_id;
		await answer(aReply, data![0].writer_token!);
	});

	it('creates a session, the message and an empty streaming reply in one call', async () => {
		const { data, error } = await post(a.db, 'A second chat');
		expect(error).toBeNull();
		// Newest first: a response cut at PostgREST's max_rows loses the oldest rows.
		expect(data!.map((row) => [row.role, row.content, row.status])).toEqual([
			['assistant', '', 'streaming'],
			['user', 'A second chat', 'complete']
		]);
		expect(data![0].is_new).toBe(true);
		const { data: session } = await admin
			.from('chat_sessions')
			.select('user_id, title')
			.eq('id', data![0].session_id)
			.single();
		expect(session).toEqual({ user_id: a.userId, title: 'A second chat' });
	});

	// The failure Parley was founded on: a server-side client with no user JWT cannot write.
	it('refuses a client without the user JWT with 42501, while the signed-in path succeeds', async () => {
		// A title only this test writes: other files create chats at the same time.
		const title = `no jwt ${randomUUID()}`;
		const serverClientWithoutJwt = createClient<Database>(url, publishableKey, { auth: { persistSession: false } });
		const refused = await serverClientWithoutJwt.from('chat_sessions').insert({ title }).select();
		expect(refused.error?.code).toBe('42501');
		const refusedRpc = await post(serverClientWithoutJwt, title);
		expect(refusedRpc.error?.code).toBe('42501');
		const stored = await admin.from('chat_sessions').select('id').eq('title', title);
		expect(stored.error).toBeNull();
		expect(stored.data).toEqual([]);

		const allowed = await a.db.from('chat_sessions').insert({ title: 'with jwt' }).select('user_id').single();
		expect(allowed.error).toBeNull();
		expect(allowed.data?.user_id).toBe(a.userId);
	});

	it('hides A’s sessions and messages from B and from anon', async () => {
		for (const client of [b.db, anonClient() as Client]) {
			const sessions = await client.from('chat_sessions').select('id').eq('id', aSession);
			const messages = await client.from('chat_messages').select('id').eq('session_id', aSession);
			expect(sessions.data ?? []).toEqual([]);
			expect(messages.data ?? []).toEqual([]);
		}
	});

	it('refuses B’s writes into A’s session, though the foreign key would allow them', async () => {
		const before = await rowsFor(a.userId);

		const viaFunction = await post(b.db, 'sneaking in', aSession);
		expect(viaFunction.error?.code).toBe('P0002');

		// A direct insert passes the foreign key check (which ignores RLS); the policy stops it.
		const direct = await b.db
			.from('chat_messages')
			.insert({ session_id: aSession, role: 'user', content: 'sneaking in' });
		expect(direct.error?.code).toBe('42501');

		const update = await b.db.from('chat_messages').update({ content: 'defaced' }).eq('id', aReply).select();
		expect(update.error?.code).toBe('42501');
		const retitle = await b.db.from('chat_sessions').update({ title: 'mine now' }).eq('id', aSession).select();
		expect(retitle.data).toEqual([]);
		const restart = await b.db.rpc('restart_reply', { p_reply_id: aReply });
		expect(restart.error?.code).toBe('P0002');
		const removal = await b.db.from('chat_sessions').delete().eq('id', aSession).select();
		expect(removal.data).toEqual([]);

		expect(await rowsFor(a.userId)).toEqual(before);
		expect((await rowsFor(b.userId)).messages).toEqual([]);
	});

	it('never lets an owner move a row to someone else', async () => {
		const moved = await a.db
			.from('chat_sessions')
			.update({ user_id: b.userId } as never)
			.eq('id', aSession);
		expect(moved.error?.code).toBe('42501');
		const forged = await a.db.from('chat_sessions').insert({ title: 'for b', user_id: b.userId }).select();
		expect(forged.error?.code).toBe('42501');
		const { data } = await admin.from('chat_sessions').select('user_id').eq('id', aSession).single();
		expect(data?.user_id).toBe(a.userId);
	});

	it('stores a resubmitted message once and points at the same reply', async () => {
		const messageId = randomUUID();
		const [first, again] = await Promise.all([
			post(a.db, 'Double click', aSession, messageId),
			post(a.db, 'Double click', aSession, messageId)
		]);
		expect(first.error).toBeNull();
		expect(again.error).toBeNull();
		const flags = [first.data![0].is_new, again.data![0].is_new].sort();
		expect(flags).toEqual([false, true]);
		expect(first.data![0].reply_id).toBe(again.data![0].reply_id);
		const { data } = await admin
			.from('chat_messages')
			.select('id')
			.eq('session_id', aSession)
			.eq('content', 'Double click');
		expect(data).toHaveLength(1);
	});

	it('leaves no empty session behind when the first message is refused', async () => {
		const before = await rowsFor(a.userId);
		const tooLong = await post(a.db, 'x'.repeat(8001));
		expect(tooLong.error?.code).toBe('23514');
		const empty = await post(a.db, '');
		expect(empty.error?.code).toBe('23514');
		expect(await rowsFor(a.userId)).toEqual(before);
	});

	it('reopens only a reply that has not completed, returning the messages before it', async () => {
		const { data } = await post(a.db, 'Retry me');
		const reply = data![0].reply_id;
		await finishAsWriter(reply, data![0].writer_token!, 'partial', 'error');
		const reopened = await a.db.rpc('restart_reply', { p_reply_id: reply });
		expect(reopened.error).toBeNull();
		expect(reopened.data!.map((row) => row.content)).toEqual(['Retry me']);
		const { data: row } = await admin.from('chat_messages').select('content, status').eq('id', reply).single();
		expect(row).toEqual({ content: '', status: 'streaming' });

		await finishAsWriter(reply, reopened.data![0].writer_token!, 'done');
		const again = await a.db.rpc('restart_reply', { p_reply_id: reply });
		expect(again.error?.code).toBe('P0002');
	});

	it('removes a person’s chats with their account', async () => {
		const user = await signedUpUser('chat-gone');
		await post(user.client as Client, 'Soon gone');
		expect((await rowsFor(user.userId)).sessions).toHaveLength(1);
		await admin.auth.admin.deleteUser(user.userId);
		expect(await rowsFor(user.userId)).toEqual({ sessions: [], messages: [] });
	});

	it('keeps a chat’s model and system prompt for its owner alone', async () => {
		const { data: created } = await a.db.rpc('post_message', {
			p_message_id: randomUUID(),
			p_content: 'Which model?',
			p_model: 'model-one'
		});
		const session = created![0].session_id;
		expect(created![0].chat_model).toBe('model-one');
		const saved = await a.db
			.from('chat_sessions')
			.update({ system_prompt: 'Be brief.' })
			.eq('id', session)
			.select('id');
		expect(saved.data).toHaveLength(1);

		await answer(created![0].reply_id, created![0].writer_token!);
		// A later message with another model moves the chat to it; one without keeps it.
		const next = await a.db.rpc('post_message', {
			p_message_id: randomUUID(),
			p_content: 'And now?',
			p_session_id: session,
			p_model: 'model-two'
		});
		expect([next.data![0].chat_model, next.data![0].system_prompt]).toEqual(['model-two', 'Be brief.']);
		await answer(next.data![0].reply_id, next.data![0].writer_token!);
		const kept = await post(a.db, 'Still?', session);
		expect(kept.data![0].chat_model).toBe('model-two');

		// B and anon change nothing: the update matches no row they may see.
		const byB = await b.db
			.from('chat_sessions')
			.update({ system_prompt: 'Obey B.', model: 'b-model' })
			.eq('id', session)
			.select('id');
		expect(byB.data).toEqual([]);
		const byAnon = await anonClient().from('chat_sessions').update({ system_prompt: 'Obey anon.' }).eq('id', session);
		expect(byAnon.error?.code).toBe('42501');
		const { data: row } = await admin.from('chat_sessions').select('model, system_prompt').eq('id', session).single();
		expect(row).toEqual({ model: 'model-two', system_prompt: 'Be brief.' });

		const tooLong = await a.db
			.from('chat_sessions')
			.update({ system_prompt: 'x'.repeat(4001) })
			.eq('id', session);
		expect(tooLong.error?.code).toBe('23514');
	});
});
