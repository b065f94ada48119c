// The reply pipeline against a real database and a fake provider that speaks OpenAI's SSE:
// a reply is stored complete with its model, and every way a provider can fail leaves the
// person's message in place and the reply stored as an error with the text that arrived.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { resolveChatModel } from '../../src/lib/server/ai/registry.ts';
import { completeReply, writeReply } from '../../src/lib/server/ai/reply.ts';
import { postMessage } from '../../src/lib/server/chat/messages.ts';
import type { ServerEnv } from '../../src/lib/server/env.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { adminClient, signedUpUser } from './supabase.ts';

type Client = SupabaseClient<Database>;

describe('writing a reply', () => {
	let fake: FakeOpenAI;
	let client: Client;
	const admin = adminClient() as Client;

	beforeAll(async () => {
		fake = await startFakeOpenAI({ tokenDelayMs: 2 });
		client = (await signedUpUser('reply')).client as Client;
	});
	afterAll(() => fake.close());

	const env = (overrides: Partial<ServerEnv> = {}): ServerEnv => ({
		PUBLIC_SUPABASE_URL: 'http://unused.invalid',
		supabaseKey: 'unused',
		AI_BASE_URL: fake.url,
		AI_MODEL: 'fake-model',
		WORKERS_AI_MODEL: 'unused',
		AI_TIMEOUT_MS: 5_000,
		...overrides
	});

	async function turn(content: string, timeoutMs = 5_000) {
		const posted = await postMessage(client, { messageId: randomUUID(), content });
		const request = {
			writer: client,
			chatModel: resolveChatModel(env()),
			replyId: posted.replyId,
			history: posted.history,
			timeoutMs
		};
		return { posted, request };
	}

	const stored = async (id: string) =>
		(await admin.from('chat_messages').select('role, content, status, model').eq('id', id).single()).data;

	it('streams the reply in pieces and stores it complete, with the model name', async () => {
		const { posted, request } = await turn('Hello there model');
		const pieces: string[] = [];
		const run = writeReply(request);
		let step = await run.next();
		while (!step.done) {
			pieces.push(step.value);
			step = await run.next();
		}
		expect(pieces.length).toBeGreaterThan(2);
		expect(pieces.join('')).toBe('Echo: Hello there model');
		expect(step.value).toEqual({ status: 'complete', content: 'Echo: Hello there model' });
		expect(await stored(posted.replyId)).toEqual({
			role: 'assistant',
			content: 'Echo: Hello there model',
			status: 'complete',
			model: 'fake-model'
		});
		// The model saw the person's message and not the empty reply being written.
		expect(fake.calls.at(-1)?.messages).toEqual([{ role: 'user', content: 'Hello there model' }]);
	});

	it.each([
		['answers 500', 'status', ''],
		['drops the stream midway', 'mid-stream', 'Echo: keep '],
		['goes quiet until the timeout', 'hang', '']
	] as const)('keeps the message and stores an error when the provider %s', async (_label, mode, partial) => {
		fake.failNext(mode);
		const { posted, request } = await turn('keep this message please', 1_000);
		const outcome = await completeReply(request);
		expect(outcome.status).toBe('error');
		expect(outcome.content).toBe(partial);
		expect(await stored(posted.replyId)).toMatchObject({ status: 'error', content: partial, model: 'fake-model' });
		const userMessage = posted.history.find((message) => message.role === 'user');
		expect(await stored(userMessage!.id)).toMatchObject({ content: 'keep this message please', status: 'complete' });
	});

	it('stops the model call when the browser goes away, and keeps what arrived', async () => {
		const { posted, request } = await turn('one two three four five six seven eight');
		const disconnect = new AbortController();
		const run = writeReply({ ...request, signal: disconnect.signal });
		await run.next();
		await run.next();
		disconnect.abort();
		let step = await run.next();
		while (!step.done) step = await run.next();
		expect(step.value.status).toBe('error');
		const row = await stored(posted.replyId);
		expect(row?.status).toBe('error');
		expect(row?.content.startsWith('Echo: one')).toBe(true);
		expect(row?.content.length).toBeLessThan('Echo: one two three four five six seven eight'.length);
	});

	it('answers with the labelled offline demo model when nothing is configured', async () => {
		const model = resolveChatModel(env({ AI_BASE_URL: undefined }));
		expect(model.provider).toBe('demo');
		expect(model.label).toBe('Offline demo model');
		const { posted } = await turn('anyone there?');
		const outcome = await completeReply({
			writer: client,
			chatModel: model,
			replyId: posted.replyId,
			history: posted.history,
			timeoutMs: 5_000
		});
		expect(outcome.status).toBe('complete');
		expect(outcome.content).toContain('Offline demo model');
		expect(outcome.content).toContain('anyone there?');
	});
});
