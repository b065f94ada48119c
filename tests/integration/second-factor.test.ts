// Once a person has a verified second factor, the database itself keeps their chats, messages,
// shares and files from a token at aal1: a stolen password, used against PostgREST directly with
// the person's own token, reads nothing and writes nothing. The same person at aal2 reaches all of it.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { postMessage } from '../../src/lib/server/chat/messages.ts';
import { totpCode } from '../support/totp.ts';
import { adminClient, anonClient, PASSWORD, signedUpUser } from './supabase.ts';

type Client = SupabaseClient<Database>;
const BUCKET = 'attachments';

describe('a person with a second factor, signed in with the password alone', () => {
	let aal2: Client;
	let aal1: Client;
	let userId: string;
	let chatId: string;
	let messageId: string;
	let replyId: string;
	const admin = adminClient() as Client;

	beforeAll(async () => {
		const person = await signedUpUser('second-factor');
		userId = person.userId;
		aal2 = person.client as Client;
		const { data: factor } = await aal2.auth.mfa.enroll({ factorType: 'totp' });
		const code = totpCode(factor!.totp.secret);
		expect((await aal2.auth.mfa.challengeAndVerify({ factorId: factor!.id, code })).error).toBeNull();

		messageId = randomUUID();
		const posted = await postMessage(aal2, { messageId, content: 'Private plans' });
		chatId = posted.sessionId;
		replyId = posted.replyId;
		const file = await aal2.storage.from(BUCKET).upload(`${userId}/${randomUUID()}`, new Blob(['notes']), {
			contentType: 'text/plain'
		});
		expect(file.error).toBeNull();

		aal1 = anonClient() as Client;
		expect((await aal1.auth.signInWithPassword({ email: person.email, password: PASSWORD })).error).toBeNull();
		expect((await aal1.auth.mfa.getAuthenticatorAssuranceLevel()).data?.currentLevel).toBe('aal1');
	});

	const everything = async () => ({
		chats: (await admin.from('chat_sessions').select('id, title').eq('user_id', userId)).data,
		messages: (await admin.from('chat_messages').select('id, content, status').eq('session_id', chatId)).data,
		shares: (await admin.from('chat_shares').select('token').eq('session_id', chatId)).data,
		files: (await admin.storage.from(BUCKET).list(userId)).data?.map((object) => object.name),
		account: (await admin.auth.admin.getUserById(userId)).data.user?.id
	});

	it('reads nothing: chats, messages, shares, files', async () => {
		for (const table of ['chat_sessions', 'chat_messages', 'chat_shares', 'chat_attachments'] as const) {
			const { data, error } = await aal1.from(table).select('*');
			expect(error, table).toBeNull();
			expect(data, table).toEqual([]);
		}
		expect((await aal1.rpc('get_chat', { p_session_id: chatId })).data ?? []).toEqual([]);
		expect((await aal1.rpc('chat_page', { p_session_id: chatId })).data).toEqual({ chat: [], chats: [] });
		expect((await aal1.storage.from(BUCKET).list(userId)).data).toEqual([]);
		// The same person at aal2 reads them all.
		expect((await aal2.from('chat_sessions').select('id')).data).toEqual([{ id: chatId }]);
		expect((await aal2.storage.from(BUCKET).list(userId)).data).toHaveLength(1);
	});

	it('writes nothing, through the tables or any function that acts for them, and nothing changed', async () => {
		const before = await everything();
		const refused = [
			await aal1.from('chat_sessions').insert({ title: 'Planted' }),
			await aal1.rpc('post_message', { p_message_id: randomUUID(), p_content: 'Planted', p_session_id: chatId }),
			await aal1.rpc('post_message', { p_message_id: randomUUID(), p_content: 'Planted' }),
			await aal1.rpc('create_share', { p_session_id: chatId }),
			await aal1.rpc('select_version', { p_message_id: messageId }),
			await aal1.rpc('regenerate_reply', { p_reply_id: replyId }),
			await aal1.rpc('stop_reply', { p_reply_id: replyId }),
			await aal1.rpc('decide_tool_call', { p_reply_id: replyId, p_call_id: 'x', p_decision: 'allow' }),
			await aal1.rpc('import_chats', { p_chats: [{ title: 'Planted', messages: [] }] }),
			await aal1.rpc('delete_my_account')
		];
		// Refused as not allowed (42501), or as not found (P0002: the chat is out of sight).
		for (const [index, outcome] of refused.entries())
			expect(['42501', 'P0002'], `write ${index}: ${outcome.error?.code}`).toContain(outcome.error?.code);
		const updated = await aal1.from('chat_sessions').update({ title: 'Renamed' }).eq('id', chatId).select('id');
		expect(updated.data).toEqual([]);
		const deleted = await aal1.from('chat_sessions').delete().eq('id', chatId).select('id');
		expect(deleted.data).toEqual([]);
		const upload = await aal1.storage.from(BUCKET).upload(`${userId}/${randomUUID()}`, new Blob(['x']));
		expect(upload.error).not.toBeNull();
		expect(await everything()).toEqual(before);
	});

	it('cannot reach the definer originals or the aal check in `private`, which PostgREST does not expose', async () => {
		const before = await everything();
		const privately = aal1.schema('private' as 'public');
		for (const call of [
			privately.rpc('second_factor_satisfied' as never),
			privately.rpc('require_second_factor' as never),
			privately.rpc('create_share' as never, { p_session_id: chatId } as never)
		]) {
			const { error } = await call;
			expect(error?.code).toBe('PGRST106');
		}
		expect(await everything()).toEqual(before);
	});
});
