// Replies that outlive their request, in the database: the writer's token and its progress
// writes, Stop from any tab, and the rule that a reply being written is never reopened (no Retry
// overwrites it, and of two retries at once one wins). B and anon reach none of A's replies, and a
// writer token writes its own reply and nothing else.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { adminClient, anonClient, dbUrl, isLocalStack, signedUpUser } from './supabase.ts';

type Client = SupabaseClient<Database>;
const admin = adminClient() as Client;

describe.skipIf(!isLocalStack)('reply progress, stop and reopening', () => {
	const sql = postgres(dbUrl ?? '', { max: 1, onnotice: () => {} });
	let a: Client;
	let b: Client;
	beforeAll(async () => {
		const [first, second] = [await signedUpUser('writer-a'), await signedUpUser('writer-b')];
		for (const user of [first, second]) {
			await admin.auth.admin.updateUserById(user.userId, { app_metadata: { concurrent_reply_limit: 100 } });
		}
		a = first.client as Client;
		b = second.client as Client;
	});
	afterAll(() => sql.end());

	async function newReply(client: Client = a): Promise<{ replyId: string; token: string }> {
		const { data, error } = await client.rpc('post_message', { p_message_id: randomUUID(), p_content: 'Go on' });
		expect(error).toBeNull();
		expect(data![0].writer_token).toMatch(/^[0-9a-f]{64}$/);
		return { replyId: data![0].reply_id, token: data![0].writer_token! };
	}
	const stored = async (replyId: string) =>
		(await admin.from('chat_messages').select('content, status, is_live').eq('id', replyId).single()).data;
	/** The writer went quiet this long ago. */
	const silence = (replyId: string, seconds: number) =>
		sql`update public.chat_messages set progress_at = now() - make_interval(secs => ${seconds}),
			created_at = created_at - make_interval(secs => ${seconds}) where id = ${replyId}`;
	// The writer carries no user token at all.
	const writer = anonClient() as Client;
	const progress = (replyId: string, token: string, content: string) =>
		writer.rpc('write_reply_progress', { p_reply_id: replyId, p_writer_token: token, p_content: content });
	const finish = (replyId: string, token: string, content: string, status: 'complete' | 'stopped' = 'complete') =>
		writer.rpc('finish_reply', {
			p_reply_id: replyId,
			p_writer_token: token,
			p_content: content,
			p_status: status,
			p_model: 'fake-model'
		});

	it('stores progress, and tells the writer to go on, to stop, or that the reply is gone', async () => {
		const { replyId, token } = await newReply();
		expect((await progress(replyId, token, 'Half a')).data).toBe('go');
		expect(await stored(replyId)).toEqual({ content: 'Half a', status: 'streaming', is_live: true });

		expect((await a.rpc('stop_reply', { p_reply_id: replyId })).data).toBe('streaming');
		expect((await progress(replyId, token, 'Half an answer')).data).toBe('stop');

		expect((await finish(replyId, token, 'Half an answer', 'stopped')).data).toBe(true);
		expect((await progress(replyId, token, 'More')).data).toBe('gone');
		expect((await finish(replyId, token, 'Rewritten')).data).toBe(false);
		expect(await stored(replyId)).toEqual({ content: 'Half an answer', status: 'stopped', is_live: false });
	});

	it('lets a writer token write its own reply alone, and neither B nor anon stop or read it', async () => {
		const mine = await newReply();
		const other = await newReply();
		expect((await progress(other.replyId, mine.token, 'Hijacked')).data).toBe('gone');
		expect((await finish(other.replyId, mine.token, 'Hijacked')).data).toBe(false);
		expect((await finish(other.replyId, 'f'.repeat(64), 'Hijacked')).data).toBe(false);
		const title = await writer.rpc('set_reply_title', {
			p_reply_id: other.replyId,
			p_writer_token: mine.token,
			p_title: 'Hijacked',
			p_stand_in: 'Go on'
		});
		expect(title.data).toBeNull();

		const stop = await b.rpc('stop_reply', { p_reply_id: other.replyId });
		expect(stop.error?.code).toBe('P0002');
		expect((await b.from('chat_messages').select('id, is_live').eq('id', other.replyId)).data).toEqual([]);
		const anon = anonClient() as Client;
		expect((await anon.rpc('stop_reply', { p_reply_id: other.replyId })).error?.code).toBe('42501');
		const { data } = await admin
			.from('chat_messages')
			.select('content, status, stop_requested_at')
			.eq('id', other.replyId)
			.single();
		expect(data).toEqual({ content: '', status: 'streaming', stop_requested_at: null });
		const chat = await admin.from('chat_messages').select('session_id').eq('id', other.replyId).single();
		const session = await admin.from('chat_sessions').select('title').eq('id', chat.data!.session_id).single();
		expect(session.data?.title).toBe('Go on');
	});

	it('stores a reply whose person signed out everywhere meanwhile: the writer needs no user token', async () => {
		const person = await signedUpUser('signed-out-writer');
		const client = person.client as Client;
		const { data } = await client.rpc('post_message', { p_message_id: randomUUID(), p_content: 'Long one' });
		const { reply_id: replyId, writer_token: token } = data![0];
		expect((await client.auth.signOut({ scope: 'global' })).error).toBeNull();
		expect((await progress(replyId, token!, 'Still')).data).toBe('go');
		expect((await finish(replyId, token!, 'Still written')).data).toBe(true);
		expect(await stored(replyId)).toEqual({ content: 'Still written', status: 'complete', is_live: false });
	});

	it('closes a reply whose writer is gone as stopped at once', async () => {
		const { replyId } = await newReply();
		await silence(replyId, 60);
		expect((await stored(replyId))?.is_live).toBe(false);
		expect((await a.rpc('stop_reply', { p_reply_id: replyId })).data).toBe('stopped');
	});

	it('never reopens a reply that is being written, and gives a dead one to one of two retries', async () => {
		const { replyId, token } = await newReply();
		const refused = await a.rpc('restart_reply', { p_reply_id: replyId });
		expect(refused.error?.code).toBe('P0002');

		await silence(replyId, 31);
		const both = await Promise.all([
			a.rpc('restart_reply', { p_reply_id: replyId }),
			a.rpc('restart_reply', { p_reply_id: replyId })
		]);
		expect(both.filter((result) => result.error === null)).toHaveLength(1);
		expect(both.filter((result) => result.error?.code === 'P0002')).toHaveLength(1);
		expect((await stored(replyId))?.is_live).toBe(true);
		// The reopened reply has a new writer; the old one's token writes nothing now.
		expect((await progress(replyId, token, 'Old writer')).data).toBe('gone');
		const winner = both.find((result) => result.error === null)!.data![0].writer_token!;
		expect((await progress(replyId, winner, 'New writer')).data).toBe('go');
	});
});
