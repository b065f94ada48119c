// Every model call is paid for. A person cannot make a reply look abandoned (they have no UPDATE
// on chat_messages at all), every reopening of a reply is charged and counted against the cap
// whatever its status was, and a writer token ends with its reply. Each attack goes through
// PostgREST directly, with the person's own token and the publishable key, and is shown to change
// nothing; "what is stored" is read with the service role or as the database owner.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { adminClient, anonClient, dbUrl, isLocalStack, signedUpUser } from './supabase.ts';

type Client = SupabaseClient<Database>;
const admin = adminClient() as Client;
// The writer carries no user token: its writer token is its credential.
const writer = anonClient() as Client;

async function limitedUser(label: string, limits: { reply_limit?: number; concurrent_reply_limit?: number }) {
	const user = await signedUpUser(label);
	const { error } = await admin.auth.admin.updateUserById(user.userId, { app_metadata: limits });
	expect(error).toBeNull();
	return { ...user, db: user.client as Client };
}

async function post(client: Client, content: string, sessionId?: string) {
	const { data, error } = await client.rpc('post_message', {
		p_message_id: randomUUID(),
		p_content: content,
		p_session_id: sessionId
	});
	expect(error).toBeNull();
	return { sessionId: data![0].session_id, replyId: data![0].reply_id, token: data![0].writer_token! };
}

const finish = (replyId: string, token: string, status: 'complete' | 'error' = 'complete', titlePending = false) =>
	writer.rpc('finish_reply', {
		p_reply_id: replyId,
		p_writer_token: token,
		p_content: 'Done.',
		p_status: status,
		p_model: 'fake-model',
		p_title_pending: titlePending
	});

const stored = async (replyId: string) =>
	(
		await admin
			.from('chat_messages')
			.select('content, status, progress_at, stop_requested_at, model')
			.eq('id', replyId)
			.single()
	).data;

const used = async (client: Client) => (await client.rpc('my_usage')).data![0].replies_used;

describe.skipIf(!isLocalStack)('replies cost what they cost', () => {
	const sql = postgres(dbUrl ?? '', { max: 1, onnotice: () => {} });
	afterAll(() => sql.end());
	/** The writer went quiet this long ago (a crash): only the database owner can say so. */
	const silence = (replyId: string, seconds: number) =>
		sql`update public.chat_messages set progress_at = now() - make_interval(secs => ${seconds}),
			created_at = created_at - make_interval(secs => ${seconds}) where id = ${replyId}`;

	it('refuses every PATCH of a person’s own messages, and changes nothing', async () => {
		const a = await limitedUser('patch', { concurrent_reply_limit: 5 });
		const { sessionId, replyId } = await post(a.db, 'Make it look dead');
		const before = await stored(replyId);
		const { data: mine } = await a.db.from('chat_messages').select('id').eq('session_id', sessionId);
		expect(mine).toHaveLength(2);
		for (const change of [
			{ progress_at: '2000-01-01T00:00:00Z' },
			{ stop_requested_at: '2000-01-01T00:00:00Z' },
			{ status: 'error' as const },
			{ content: 'Typed by the person, not the model' },
			{ model: 'gpt-free' }
		]) {
			const patched = await a.db.from('chat_messages').update(change).eq('id', replyId).select('id');
			expect(patched.error?.code, JSON.stringify(change)).toBe('42501');
			expect(patched.data).toBeNull();
		}
		// The person's own message is no more writable than the reply.
		const message = mine!.find((row) => row.id !== replyId)!.id;
		const edited = await a.db.from('chat_messages').update({ content: 'Rewritten' }).eq('id', message);
		expect(edited.error?.code).toBe('42501');
		expect(await stored(replyId)).toEqual(before);
	});

	it('charges a retry of a reply whose writer died, and refuses it past the quota', async () => {
		const a = await limitedUser('reopen', { reply_limit: 3, concurrent_reply_limit: 5 });
		const { replyId } = await post(a.db, 'Answer me');
		expect(await used(a.db)).toBe(1);
		for (const expected of [2, 3]) {
			await silence(replyId, 60);
			const retried = await a.db.rpc('restart_reply', { p_reply_id: replyId });
			expect(retried.error).toBeNull();
			expect(await used(a.db)).toBe(expected);
		}
		await silence(replyId, 60);
		const before = await stored(replyId);
		const refused = await a.db.rpc('restart_reply', { p_reply_id: replyId });
		expect(refused.error?.code).toBe('PT429');
		expect(JSON.parse(refused.error!.details!)).toMatchObject({ limit: 'quota', max: 3 });
		expect(await stored(replyId)).toEqual(before);
		expect(await used(a.db)).toBe(3);
	});

	it('counts a reopened reply against the cap on replies written at once', async () => {
		const a = await limitedUser('reopen-cap', { reply_limit: 50, concurrent_reply_limit: 1 });
		const dead = await post(a.db, 'First chat');
		// Its writer died long enough ago that it no longer holds a slot (private.reply_lease)...
		await silence(dead.replyId, 660);
		await sql`update private.reply_charges set charged_at = now() - interval '11 minutes' where reply_id = ${dead.replyId}`;
		const live = await post(a.db, 'Second chat');
		// ...so another chat's reply may run; and while it runs, reopening the first, still
		// `streaming`, is one reply too many.
		const before = await stored(dead.replyId);
		const refused = await a.db.rpc('restart_reply', { p_reply_id: dead.replyId });
		expect(refused.error?.code).toBe('PT429');
		expect(JSON.parse(refused.error!.details!)).toMatchObject({ limit: 'concurrent', max: 1 });
		expect(await stored(dead.replyId)).toEqual(before);
		expect((await finish(live.replyId, live.token)).data).toBe(true);
		expect((await a.db.rpc('restart_reply', { p_reply_id: dead.replyId })).error).toBeNull();
	});

	it('ends the writer token with its reply: nothing it writes afterwards lands', async () => {
		const a = await limitedUser('token-end', { concurrent_reply_limit: 5 });
		const { sessionId, replyId, token } = await post(a.db, 'Name this chat');
		expect((await finish(replyId, token)).data).toBe(true);
		expect(
			(await writer.rpc('write_reply_progress', { p_reply_id: replyId, p_writer_token: token, p_content: 'x' })).data
		).toBe('gone');
		expect((await finish(replyId, token)).data).toBe(false);
		const title = await writer.rpc('set_reply_title', {
			p_reply_id: replyId,
			p_writer_token: token,
			p_title: 'Renamed by a spent token',
			p_stand_in: 'Name this chat'
		});
		expect(title.data).toBeNull();
		const [held] = await sql`select count(*)::int as n from private.reply_writers where reply_id = ${replyId}`;
		expect(held.n).toBe(0);
		expect((await admin.from('chat_sessions').select('title').eq('id', sessionId).single()).data?.title).toBe(
			'Name this chat'
		);
	});

	it('lets a first reply’s writer set the title once, within two minutes, and never after', async () => {
		const a = await limitedUser('title-grant', { concurrent_reply_limit: 5 });
		const setTitle = (replyId: string, token: string, title: string, standIn: string) =>
			writer.rpc('set_reply_title', {
				p_reply_id: replyId,
				p_writer_token: token,
				p_title: title,
				p_stand_in: standIn
			});

		const first = await post(a.db, 'First words');
		expect((await finish(first.replyId, first.token, 'complete', true)).data).toBe(true);
		expect((await setTitle(first.replyId, 'f'.repeat(64), 'Forged', 'First words')).data).toBeNull();
		expect((await setTitle(first.replyId, first.token, 'A good title', 'First words')).data).toBe('A good title');
		expect((await setTitle(first.replyId, first.token, 'Again', 'A good title')).data).toBeNull();

		const late = await post(a.db, 'Late words');
		expect((await finish(late.replyId, late.token, 'complete', true)).data).toBe(true);
		await sql`update private.title_grants set expires_at = now() - interval '1 second' where reply_id = ${late.replyId}`;
		expect((await setTitle(late.replyId, late.token, 'Too late', 'Late words')).data).toBeNull();

		const failed = await post(a.db, 'Failed words');
		expect((await finish(failed.replyId, failed.token, 'error', true)).data).toBe(true);
		expect((await setTitle(failed.replyId, failed.token, 'Not for a failure', 'Failed words')).data).toBeNull();

		const titles = await admin
			.from('chat_sessions')
			.select('title')
			.in('id', [first.sessionId, late.sessionId, failed.sessionId]);
		expect(titles.data?.map((row) => row.title).sort()).toEqual(['A good title', 'Failed words', 'Late words']);
	});

	it('lets no one but the owner stop a reply, and closes a dead one with its token', async () => {
		const a = await limitedUser('stop-owner', { concurrent_reply_limit: 5 });
		const b = await limitedUser('stop-other', {});
		const { replyId, token } = await post(a.db, 'Mine to stop');
		const before = await stored(replyId);
		expect((await b.db.rpc('stop_reply', { p_reply_id: replyId })).error?.code).toBe('P0002');
		expect((await (anonClient() as Client).rpc('stop_reply', { p_reply_id: replyId })).error?.code).toBe('42501');
		expect(await stored(replyId)).toEqual(before);

		await silence(replyId, 60);
		expect((await a.db.rpc('stop_reply', { p_reply_id: replyId })).data).toBe('stopped');
		expect((await finish(replyId, token)).data).toBe(false);
		expect((await stored(replyId))?.status).toBe('stopped');
	});
});
