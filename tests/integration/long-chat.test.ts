// A long chat answers the question just asked. The turn functions return the path root first by
// its depth (not in whatever order a join produced), and read only what fits the model's budget:
// newest first, bounded in SQL, so a 1,200-message chat does not travel whole to the worker.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { contextChars } from '../../src/lib/server/ai/context.ts';
import { modelRegistry } from '../../src/lib/server/ai/registry.ts';
import { writeReply } from '../../src/lib/server/ai/reply.ts';
import { postMessage, type HistoryBudget } from '../../src/lib/server/chat/messages.ts';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.ts';
import { modelEnv } from '../support/model-env.ts';
import { anonClient, finishAsWriter, signedUpUser } from './supabase.ts';

type Client = SupabaseClient<Database>;

const TURNS = 600;
const question = (n: number) => `Question ${n}: ${'what about the tides and the moon? '.repeat(8)}`;
const answer = (n: number) => `Answer ${n}: ${'the moon pulls the sea toward it. '.repeat(8)}`;
// What an 8k-token model can take: the default budget (see ai/context.ts).
const budgetChars = contextChars({ contextTokens: 8192, maxOutputTokens: 1024 });
const budget: HistoryBudget = { default: budgetChars, models: {} };

describe('a chat of 1,200 messages', () => {
	let client: Client;
	let sessionId: string;
	let fake: FakeProvider;

	beforeAll(async () => {
		fake = await startFakeProvider({ tokenDelayMs: 1 });
		client = (await signedUpUser('long-chat')).client as Client;
		const messages = Array.from({ length: TURNS }, (_, n) => [
			{ role: 'user', content: question(n) },
			{ role: 'assistant', content: answer(n) }
		]).flat();
		const { data, error } = await client.rpc('import_chats', { p_chats: [{ title: 'Tides', messages }] });
		expect(error).toBeNull();
		sessionId = data![0];
	});
	afterAll(() => fake.close());

	it('returns at most the newest 1,000 messages in order with no budget, the new message last before its reply', async () => {
		const posted = await postMessage(client, { messageId: randomUUID(), content: 'hello', sessionId });
		expect(posted.history).toHaveLength(1000);
		expect(posted.wholeChat).toBe(false);
		const expected = Array.from({ length: TURNS }, (_, n) => [question(n), answer(n)]).flat();
		expect(posted.history.slice(0, -2).map((row) => row.content)).toEqual(expected.slice(-998));
		expect(posted.history.at(-2)).toMatchObject({ role: 'user', content: 'hello' });
		expect(posted.history.at(-1)?.id).toBe(posted.replyId);
		await finishAsWriter(posted.replyId, posted.writerToken!);
	});

	it('reads only the newest turns that fit the budget, and the model is asked what was just sent', async () => {
		const posted = await postMessage(client, { messageId: randomUUID(), content: 'hello again', sessionId, budget });
		expect(posted.wholeChat).toBe(false);
		expect(posted.history.length).toBeLessThan(100);
		expect(posted.history.length).toBeGreaterThan(10);
		// The rows are the newest in order, every one but the oldest within the budget.
		const contents = posted.history.slice(0, -2).map((row) => row.content);
		const last = contents.length;
		expect(contents.slice(-3)).toEqual([answer(TURNS - 1), 'hello', 'Done.']);
		const counted = posted.history.slice(1).reduce((sum, row) => sum + row.content.length + 16, 0);
		expect(counted).toBeLessThanOrEqual(budgetChars);
		expect(last).toBeGreaterThan(4);

		const env = modelEnv({ AI_BASE_URL: fake.url, AI_MODEL: 'fake-model' });
		const run = writeReply({
			writer: { client: anonClient() as Client, replyId: posted.replyId, token: posted.writerToken! },
			chatModel: modelRegistry(env).chatModel(null),
			replyId: posted.replyId,
			history: posted.history,
			timeoutMs: 5_000
		});
		let step = await run.next();
		while (!step.done) step = await run.next();
		expect(step.value).toEqual({ status: 'complete', content: 'Echo: hello again', reasoning: '', reasoningMs: null });
		const sent = fake.calls.at(-1)!.messages;
		expect(sent.at(-1)).toEqual({ role: 'user', content: 'hello again' });
		expect(sent.slice(-3, -1)).toEqual([
			{ role: 'user', content: 'hello' },
			{ role: 'assistant', content: 'Done.' }
		]);
		expect(sent[0].role).toBe('user');
	});

	it('says a short chat’s history is whole', async () => {
		const posted = await postMessage(client, { messageId: randomUUID(), content: 'A new chat', budget });
		expect(posted.wholeChat).toBe(true);
		expect(posted.history.map((row) => row.role)).toEqual(['user', 'assistant']);
	});
});
