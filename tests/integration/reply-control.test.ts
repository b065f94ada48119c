// Replies that outlive their request, in the database: the writer's progress writes, Stop from
// any tab, and the rule that a reply being written is never reopened (no Retry overwrites it,
// and of two retries at once one wins). B and anon reach none of A's replies.
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

	async function newReply(client: Client = a): Promise<string> {
		const { data, error } = await client.rpc('post_message', { p_message_id: randomUUID(), p_content: 'Go on' });
		expect(error).toBeNull();
		return data![0].reply_id;
	}
	const stored = async (replyId: string) =>
		(await admin.from('chat_messages').select('content, status, is_live').eq('id', replyId).single()).data;
	/** The writer went quiet this long ago. */
	const silence = (replyId: string, seconds: number) =>
		sql`update public.chat_messages set progress_at = now() - make_interval(secs => ${seconds}),
			created_at = created_at - make_interval(secs => ${seconds}) where id = ${replyId}`;

	it('stores progress, and tells the writer to go on, to stop, or that the reply is gone', async () => {
		const replyId = await newReply();
		expect((await a.rpc('save_reply_progress', { p_reply_id: replyId, p_content: 'Half a' })).data).toBe('go');
		expect(await stored(replyId)).toEqual({ content: 'Half a', status: 'streaming', is_live: true });

		expect((await a.rpc('stop_reply', { p_reply_id: replyId })).data).toBe('streaming');
		expect((await a.rpc('save_reply_progress', { p_reply_id: replyId, p_content: 'Half an answer' })).data).toBe(
			'stop'
		);

		await a.from('chat_messages').update({ status: 'stopped' }).eq('id', replyId);
		expect((await a.rpc('save_reply_progress', { p_reply_id: replyId, p_content: 'More' })).data).toBe('gone');
		expect(await stored(replyId)).toEqual({ content: 'Half an answer', status: 'stopped', is_live: false });
	});

	it('lets neither B nor anon stop, write or follow A’s reply', async () => {
		const replyId = await newReply();
		const stop = await b.rpc('stop_reply', { p_reply_id: replyId });
		expect(stop.error?.code).toBe('P0002');
		expect((await b.rpc('save_reply_progress', { p_reply_id: replyId, p_content: 'Hijacked' })).data).toBe('gone');
		expect((await b.from('chat_messages').select('id, is_live').eq('id', replyId)).data).toEqual([]);
		const anon = anonClient() as Client;
		expect((await anon.rpc('stop_reply', { p_reply_id: replyId })).error?.code).toBe('42501');
		expect((await anon.rpc('save_reply_progress', { p_reply_id: replyId, p_content: 'x' })).error?.code).toBe('42501');
		const { data } = await admin
			.from('chat_messages')
			.select('content, status, stop_requested_at')
			.eq('id', replyId)
			.single();
		expect(data).toEqual({ content: '', status: 'streaming', stop_requested_at: null });
	});

	it('closes a reply whose writer is gone as stopped at once', async () => {
		const replyId = await newReply();
		await silence(replyId, 60);
		expect((await stored(replyId))?.is_live).toBe(false);
		expect((await a.rpc('stop_reply', { p_reply_id: replyId })).data).toBe('stopped');
	});

	it('never reopens a reply that is being written, and gives a dead one to one of two retries', async () => {
		const replyId = await newReply();
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
	});
});
