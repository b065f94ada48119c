// Ordinary input that once reached the database and came back as "unreachable" (503): each is
// now stored, or refused with a 4xx that says why.
import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { storableText, titleFrom } from '../../src/lib/chat/text.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { sendMessageSchema } from '../../src/lib/schemas/chat.ts';
import { finishReply, postMessage } from '../../src/lib/server/chat/messages.ts';
import { AppError, fromPostgrest } from '../../src/lib/server/errors.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { adminClient, publishableKey, signedUpUser, url } from './supabase.ts';

type Client = SupabaseClient<Database>;
const admin = adminClient() as Client;

/** What the app does with a posted message: the schema, then the one-round-trip write. */
async function send(client: Client, content: string) {
	const parsed = sendMessageSchema.parse({ messageId: randomUUID(), content });
	return postMessage(client, parsed);
}

describe('odd input', () => {
	it('titles a first message with an emoji at the cut without splitting it', async () => {
		const db = (await signedUpUser('emoji')).client as Client;
		const content = `${'a'.repeat(78)}😀😀 and then a good deal more text after the cut`;
		const posted = await send(db, content);
		const { data } = await admin.from('chat_sessions').select('title').eq('id', posted.sessionId).single();
		expect(data?.title).toBe(`${'a'.repeat(78)}😀…`);
		expect(titleFrom(content).isWellFormed()).toBe(true);
	});

	it('stores a message with NUL characters, without them', async () => {
		const db = (await signedUpUser('nul')).client as Client;
		const posted = await send(db, 'before\u0000after');
		expect(posted.history[0].content).toBe('beforeafter');
	});

	it('stores lone surrogates as U+FFFD', async () => {
		const db = (await signedUpUser('surrogate')).client as Client;
		const posted = await send(db, 'half \ud83d of an emoji and \ude00 the other');
		expect(posted.history[0].content).toBe('half \ufffd of an emoji and \ufffd the other');
	});

	it('refuses a message that is only NUL as empty (400), not as an outage', () => {
		const result = sendMessageSchema.safeParse({ messageId: randomUUID(), content: '\u0000\u0000' });
		expect(result.success).toBe(false);
		expect(result.error?.issues[0].message).toBe('Write a message first.');
	});

	it('stores a model reply containing U+0000 and lone surrogates', async () => {
		const db = (await signedUpUser('nul-reply')).client as Client;
		const posted = await send(db, 'Say something odd');
		const writer = { client: db, replyId: posted.replyId, token: posted.writerToken! };
		await finishReply(writer, { content: 'odd\u0000 \ud800 reply', status: 'complete', model: 'm' });
		const { data } = await admin.from('chat_messages').select('content, status').eq('id', posted.replyId).single();
		expect(data).toEqual({ content: 'odd \ufffd reply', status: 'complete' });
		expect(storableText('odd\u0000 \ud800 reply')).toBe('odd \ufffd reply');
	});

	it('maps what reached the database to what it is, never to "unreachable"', async () => {
		const db = (await signedUpUser('raw')).client as Client;
		// Raw NUL straight through PostgREST, as a client without Parley's schema would send it.
		const nul = await db.rpc('post_message', { p_message_id: randomUUID(), p_content: 'a\u0000b' });
		const mapped = fromPostgrest(nul.error!);
		expect(mapped).toBeInstanceOf(AppError);
		expect([mapped.code, mapped.status]).toEqual(['bad_request:message', 400]);
		// An error code Parley does not know reached the database too: internal (500), logged.
		const unknown = fromPostgrest({
			code: '42P01',
			message: 'relation does not exist',
			details: '',
			hint: ''
		} as never);
		expect([unknown.code, unknown.status]).toEqual(['internal', 500]);
	});
});

/** A signed-up person whose client reaches Supabase through a fault proxy. */
async function behindFaultProxy(label: string) {
	const proxy = await startFaultProxy({ upstream: url });
	const user = await signedUpUser(label);
	const { data } = await user.client.auth.getSession();
	const client = createClient<Database>(proxy.url, publishableKey, {
		accessToken: async () => data.session!.access_token
	});
	return { proxy, client };
}

describe('a reply written while the database is away', () => {
	it('is stored once the database is back, within the retry window', async () => {
		const { proxy, client: throughProxy } = await behindFaultProxy('outage');
		try {
			const posted = await send(throughProxy, 'Answer me during an outage');
			await setDown(proxy.url, true);
			const finished = finishReply(
				{ client: throughProxy, replyId: posted.replyId, token: posted.writerToken! },
				{ content: 'Late but whole', status: 'complete', model: null },
				[300, 600, 1200, 2400]
			);
			await new Promise((resolve) => setTimeout(resolve, 700));
			await setDown(proxy.url, false);
			await finished;
			const row = await admin.from('chat_messages').select('content, status').eq('id', posted.replyId).single();
			expect(row.data).toEqual({ content: 'Late but whole', status: 'complete' });
		} finally {
			await proxy.close();
		}
	});

	it('gives up with "unavailable" (503) when the outage outlasts the window', async () => {
		const { proxy, client: throughProxy } = await behindFaultProxy('outage-long');
		try {
			const posted = await send(throughProxy, 'Answer me during a long outage');
			await setDown(proxy.url, true);
			const writer = { client: throughProxy, replyId: posted.replyId, token: posted.writerToken! };
			const failure = await finishReply(writer, { content: 'x', status: 'complete', model: null }, [50]).then(
				() => null,
				(error: unknown) => error
			);
			expect(failure).toBeInstanceOf(AppError);
			expect((failure as AppError).status).toBe(503);
		} finally {
			await proxy.close();
		}
	});
});

const setDown = (proxyUrl: string, down: boolean) =>
	fetch(`${proxyUrl}/_control/database`, { method: 'POST', body: JSON.stringify({ down }) });
