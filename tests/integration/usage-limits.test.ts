// The usage limits live in Postgres: the reply quota and the cap on replies being written at
// once bind post_message, restart_reply and a person's own PostgREST writes alike. Each person
// here gets small limits through app_metadata (what an operator sets with the admin API), so the
// tests need not send hundreds of messages. "Nothing changed" is read with the service role.
import { randomUUID } from 'node:crypto';
import type { PostgrestError, SupabaseClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { adminClient, anonClient, finishAsWriter, signedUpUser } from './supabase.ts';

type Client = SupabaseClient<Database>;
const admin = adminClient() as Client;

async function limitedUser(label: string, limits: { reply_limit?: number; concurrent_reply_limit?: number }) {
	const user = await signedUpUser(label);
	const { error } = await admin.auth.admin.updateUserById(user.userId, { app_metadata: limits });
	expect(error).toBeNull();
	return { ...user, db: user.client as Client };
}

const post = (client: Client, content: string, sessionId?: string) =>
	client.rpc('post_message', { p_message_id: randomUUID(), p_content: content, p_session_id: sessionId });

/** Ends a posted turn's reply, as its writer does. */
const finishReply = (
	row: { reply_id: string; writer_token: string | null },
	status: 'complete' | 'error' = 'complete'
) => finishAsWriter(row.reply_id, row.writer_token!, 'Done.', status);

async function messageCount(userId: string): Promise<number> {
	const { count } = await admin
		.from('chat_messages')
		.select('id', { count: 'exact', head: true })
		.eq('user_id', userId);
	return count ?? -1;
}

function refusal(error: PostgrestError | null) {
	expect(error?.code).toBe('PT429');
	return JSON.parse(error?.details ?? '{}') as Record<string, unknown>;
}

describe('usage limits in Postgres', () => {
	it('refuses the reply past the quota with 429, stores nothing of that turn, and says when to retry', async () => {
		const a = await limitedUser('quota', { reply_limit: 2, concurrent_reply_limit: 5 });
		const first = await post(a.db, 'One');
		const sessionId = first.data![0].session_id;
		await finishReply(first.data![0]);
		const second = await post(a.db, 'Two', sessionId);
		expect(second.error).toBeNull();
		await finishReply(second.data![0]);
		const before = await messageCount(a.userId);

		const third = await post(a.db, 'Three', sessionId);
		expect(third.status).toBe(429);
		const detail = refusal(third.error);
		expect(detail).toMatchObject({ limit: 'quota', plan: 'member', max: 2, period_seconds: 86_400 });
		expect(detail.retry_after).toBeGreaterThan(86_000);
		expect(detail.retry_after).toBeLessThanOrEqual(86_400);
		expect(await messageCount(a.userId)).toBe(before);
	});

	it('binds a person’s own PostgREST insert and a reopened reply too', async () => {
		const a = await limitedUser('direct', { reply_limit: 1, concurrent_reply_limit: 5 });
		const first = await post(a.db, 'The only one');
		const { session_id: sessionId, reply_id: replyId } = first.data![0];
		await finishReply(first.data![0], 'error');

		const inserted = await a.db
			.from('chat_messages')
			.insert({ session_id: sessionId, role: 'assistant', content: '', status: 'streaming' });
		expect(refusal(inserted.error).limit).toBe('quota');

		const reopened = await a.db.rpc('restart_reply', { p_reply_id: replyId });
		expect(refusal(reopened.error).limit).toBe('quota');
		const { data: reply } = await admin.from('chat_messages').select('status, content').eq('id', replyId).single();
		expect(reply).toEqual({ status: 'error', content: 'Done.' });

		// A person cannot reopen it by hand at all (reply-metering.test.ts has the rest).
		const flipped = await a.db.from('chat_messages').update({ status: 'streaming' }).eq('id', replyId);
		expect(flipped.error?.code).toBe('42501');
	});

	it('caps replies being written at once, and frees the slot when the reply ends', async () => {
		const a = await limitedUser('concurrent', { reply_limit: 50, concurrent_reply_limit: 1 });
		const first = await post(a.db, 'Long question');
		const { session_id: sessionId } = first.data![0];

		const meanwhile = await post(a.db, 'Another question');
		expect(meanwhile.status).toBe(429);
		expect(refusal(meanwhile.error)).toMatchObject({ limit: 'concurrent', max: 1, retry_after: 10 });

		await finishReply(first.data![0]);
		const after = await post(a.db, 'Another question', sessionId);
		expect(after.error).toBeNull();
	});

	it('gives the last reply of a quota to one of two requests sent at once', async () => {
		const a = await limitedUser('race', { reply_limit: 1, concurrent_reply_limit: 5 });
		const results = await Promise.all([post(a.db, 'Left'), post(a.db, 'Right')]);
		expect(results.filter((result) => result.error === null)).toHaveLength(1);
		expect(results.filter((result) => result.error?.code === 'PT429')).toHaveLength(1);
		expect(await messageCount(a.userId)).toBe(2);
	});

	it('does not let one person’s use count against another', async () => {
		const a = await limitedUser('spent', { reply_limit: 1 });
		const b = await limitedUser('fresh', { reply_limit: 1 });
		expect((await post(a.db, 'Mine')).error).toBeNull();
		expect((await post(a.db, 'Mine again')).error?.code).toBe('PT429');
		expect((await post(b.db, 'Mine')).error).toBeNull();
	});

	it('shows each person their own usage, and anon nothing', async () => {
		const a = await limitedUser('usage', { reply_limit: 7 });
		await post(a.db, 'Counted');
		const { data, error } = await a.db.rpc('my_usage');
		expect(error).toBeNull();
		expect(data).toEqual([
			{ plan: 'member', replies_used: 1, replies_per_period: 7, period_seconds: 86_400, concurrent_replies: 3 }
		]);
		const anon = anonClient() as Client;
		expect((await anon.rpc('my_usage')).error?.code).toBe('42501');
	});

	it('keeps the limits and the ledger out of the API', async () => {
		const a = await limitedUser('ledger', {});
		for (const client of [anonClient() as Client, a.db]) {
			const raw = client as unknown as SupabaseClient;
			for (const table of ['usage_plans', 'reply_charges']) {
				const read = await raw.schema('private').from(table).select('*');
				expect(read.error?.code).toBe('PGRST106');
				const inPublic = await raw.from(table).select('*');
				expect(inPublic.status).toBe(404);
				expect(inPublic.data).toBeNull();
			}
			const helper = await raw.schema('private').rpc('usage_limits_for', { p_user_id: a.userId });
			expect(helper.error?.code).toBe('PGRST106');
		}
	});

	it('ignores app_metadata limits that are not whole numbers', async () => {
		const a = await limitedUser('junk', {});
		const { error } = await admin.auth.admin.updateUserById(a.userId, {
			app_metadata: { reply_limit: '1; drop table x', concurrent_reply_limit: -1 }
		});
		expect(error).toBeNull();
		const { data } = await a.db.rpc('my_usage');
		expect(data![0]).toMatchObject({ replies_per_period: 200, concurrent_replies: 3 });
	});
});
