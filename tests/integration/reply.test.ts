// The reply pipeline against a real database and a fake provider that speaks OpenAI's,
// Anthropic's and Google's SSE: a reply is stored complete with its model, and every way a
// provider can fail leaves the person's message in place and the reply stored as an error with
// the text that arrived.
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { modelRegistry } from '../../src/lib/server/ai/registry.ts';
import { writeReply, type ReplyRequest } from '../../src/lib/server/ai/reply.ts';
import { writeTitle } from '../../src/lib/server/ai/title.ts';
import { postMessage } from '../../src/lib/server/chat/messages.ts';
import { abortLocally } from '../../src/lib/server/chat/reply-control.ts';
import { parseToolsConfig } from '../../src/lib/server/tools/config.ts';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.ts';
import { modelEnv } from '../support/model-env.ts';
import { adminClient, anonClient, jwtSecret, publishableKey, signedUpUser, url } from './supabase.ts';

type Client = SupabaseClient<Database>;

async function drain(run: ReturnType<typeof writeReply>) {
	let step = await run.next();
	while (!step.done) step = await run.next();
	return step.value;
}
/** A reply written to the end, unread: what the app's writer does when no one is reading. */
const completeReply = (request: ReplyRequest) => drain(writeReply(request));

describe('writing a reply', () => {
	let fake: FakeProvider;
	let client: Client;
	const admin = adminClient() as Client;

	beforeAll(async () => {
		fake = await startFakeProvider({ tokenDelayMs: 2 });
		client = (await signedUpUser('reply')).client as Client;
	});
	afterAll(() => fake.close());

	const env = modelEnv;
	const shorthand = () => ({ AI_BASE_URL: fake.url, AI_MODEL: 'fake-model' });
	const anthropic = () => ({
		AI_MODELS: JSON.stringify([{ id: 'fake-claude', provider: 'anthropic', baseURL: fake.url, maxOutputTokens: 300 }]),
		ANTHROPIC_API_KEY: 'fake-anthropic-key'
	});

	async function turn(content: string, timeoutMs = 5_000, vars: Record<string, string | undefined> = shorthand()) {
		const posted = await postMessage(client, { messageId: randomUUID(), content });
		const request = {
			writer: writerFor(posted),
			chatModel: modelRegistry(env(vars)).chatModel(null),
			replyId: posted.replyId,
			history: posted.history,
			timeoutMs
		};
		return { posted, request };
	}

	// The writer carries no user token: the reply's writer token is its whole credential.
	const writerFor = (posted: { replyId: string; writerToken: string | null }) => ({
		client: anonClient() as Client,
		replyId: posted.replyId,
		token: posted.writerToken!
	});

	const stored = async (id: string) =>
		(await admin.from('chat_messages').select('role, content, status, model').eq('id', id).single()).data;

	it('streams the reply in pieces and stores it complete, with the model name', async () => {
		const { posted, request } = await turn('Hello there model');
		const pieces: string[] = [];
		const run = writeReply(request);
		let step = await run.next();
		while (!step.done) {
			expect(step.value.kind).toBe('text');
			if (step.value.kind === 'text') pieces.push(step.value.text);
			step = await run.next();
		}
		expect(pieces.length).toBeGreaterThan(2);
		expect(pieces.join('')).toBe('Echo: Hello there model');
		expect(step.value).toEqual({
			status: 'complete',
			content: 'Echo: Hello there model',
			reasoning: '',
			reasoningMs: null
		});
		expect(await stored(posted.replyId)).toEqual({
			role: 'assistant',
			content: 'Echo: Hello there model',
			status: 'complete',
			model: 'fake-model'
		});
		// The model saw the person's message and not the empty reply being written.
		expect(fake.calls.at(-1)?.messages).toEqual([{ role: 'user', content: 'Hello there model' }]);
		expect(fake.calls.at(-1)).toMatchObject({ api: 'openai', maxTokens: 1024 });
	});

	/** A client for the writer that notes each request's path, and when it went, from now. */
	function countingClient() {
		const started = Date.now();
		const asked: { path: string; at: number }[] = [];
		const counting = createClient<Database>(url, publishableKey, {
			auth: { persistSession: false, autoRefreshToken: false },
			global: {
				fetch: (input, init) => {
					asked.push({
						path: new URL(input instanceof Request ? input.url : input).pathname,
						at: Date.now() - started
					});
					return fetch(input, init);
				}
			}
		});
		return { asked, counting };
	}

	it('writes no progress in a reply’s first 250 ms, and asks nothing about tools when no tool server is set up', async () => {
		const { posted, request } = await turn('Short and quick');
		const { asked, counting } = countingClient();
		const outcome = await completeReply({
			...request,
			writer: { ...request.writer, client: counting },
			tools: parseToolsConfig({})
		});
		expect(outcome.status).toBe('complete');
		expect(await stored(posted.replyId)).toMatchObject({ content: 'Echo: Short and quick', status: 'complete' });
		// A reply that ends within 250 ms (this one, unless the machine is very slow) is stored once.
		expect(asked.at(-1)?.path).toBe('/rest/v1/rpc/finish_reply');
		const progress = asked.filter(({ path }) => path === '/rest/v1/rpc/write_reply_progress');
		for (const { at } of progress) expect(at).toBeGreaterThanOrEqual(245);
		expect(asked.map(({ path }) => path)).not.toContain('/rest/v1/rpc/reply_disabled_tools');
		expect(asked).toHaveLength(progress.length + 1);
	});

	it('stores progress four times a second, or as seldom as it is told (a writer followed from memory)', async () => {
		const words = Array.from({ length: 16 }, (_, index) => `w${index}`).join(' ');
		const progressTimes = async (progressEveryMs?: number) => {
			// 16 words 100 ms apart: a reply of about 1.6 s.
			fake.sayNext(words, 100);
			const { posted, request } = await turn('Take your time');
			const { asked, counting } = countingClient();
			const outcome = await completeReply({
				...request,
				writer: { ...request.writer, client: counting },
				progressEveryMs
			});
			expect(outcome).toMatchObject({ status: 'complete', content: words });
			expect(await stored(posted.replyId)).toMatchObject({ content: words, status: 'complete' });
			return asked.filter(({ path }) => path === '/rest/v1/rpc/write_reply_progress').map(({ at }) => at);
		};
		const often = await progressTimes();
		expect(often.length).toBeGreaterThanOrEqual(4);
		const seldom = await progressTimes(1_000);
		expect(seldom.length).toBeGreaterThanOrEqual(1);
		expect(seldom.length).toBeLessThanOrEqual(2);
		seldom.forEach((at, index) => expect(at - (seldom[index - 1] ?? 0)).toBeGreaterThanOrEqual(995));
	});

	describe('a model that thinks before answering', () => {
		const storedThinking = async (id: string) =>
			(await admin.from('chat_messages').select('content, status, reasoning, reasoning_ms').eq('id', id).single()).data;

		/** Every piece the writer yields, and how the reply ended. */
		async function pieces(request: ReplyRequest) {
			const seen: { kind: string; text: string }[] = [];
			const run = writeReply(request);
			let step = await run.next();
			while (!step.done) {
				if (step.value.kind !== 'tools') seen.push(step.value);
				step = await run.next();
			}
			return { seen, outcome: step.value };
		}

		it('reads OpenAI-compatible reasoning deltas apart from the answer, and stores both', async () => {
			const { posted, request } = await turn('Think about tides');
			fake.sayNext('High water.', 30, 'The moon pulls the near side hardest.');
			const { seen, outcome } = await pieces(request);
			const thought = seen.filter((piece) => piece.kind === 'reasoning').map((piece) => piece.text);
			expect(thought.join('')).toBe('The moon pulls the near side hardest.');
			expect(
				seen
					.filter((piece) => piece.kind === 'text')
					.map((piece) => piece.text)
					.join('')
			).toBe('High water.');
			// All of the thinking came before the answer.
			expect(seen.findLastIndex((piece) => piece.kind === 'reasoning')).toBeLessThan(
				seen.findIndex((piece) => piece.kind === 'text')
			);
			expect(outcome).toMatchObject({ status: 'complete', content: 'High water.' });
			// Seven words 30 ms apart: the thinking took about 200 ms.
			expect(outcome.reasoningMs).toBeGreaterThanOrEqual(150);
			const row = await storedThinking(posted.replyId);
			expect(row).toMatchObject({
				content: 'High water.',
				status: 'complete',
				reasoning: 'The moon pulls the near side hardest.'
			});
			expect(row!.reasoning_ms).toBe(Math.round(outcome.reasoningMs!));
		});

		it('takes <think> tags out of the text, as Ollama and llama.cpp send them', async () => {
			const { posted, request } = await turn('Count quietly');
			fake.sayNext('<think>One, two, three. </think>Three.');
			const { outcome } = await pieces(request);
			expect(outcome).toMatchObject({ content: 'Three.', reasoning: 'One, two, three. ' });
			expect(await storedThinking(posted.replyId)).toMatchObject({ content: 'Three.', reasoning: 'One, two, three. ' });
		});

		it('reads an Anthropic thinking block before the text block', async () => {
			const { posted, request } = await turn('Think, Claude', 5_000, anthropic());
			fake.sayNext('Ahoy.', 2, 'A pirate would say ahoy.');
			const { outcome } = await pieces(request);
			expect(outcome).toMatchObject({ status: 'complete', content: 'Ahoy.', reasoning: 'A pirate would say ahoy.' });
			expect(await storedThinking(posted.replyId)).toMatchObject({ reasoning: 'A pirate would say ahoy.' });
		});

		it('keeps the thinking of a reply whose stream broke mid-thought', async () => {
			const { posted, request } = await turn('Think and break');
			fake.sayNext('Never said.', 2, 'first second third fourth');
			fake.failNext('mid-stream');
			const { outcome } = await pieces(request);
			expect(outcome).toMatchObject({ status: 'error', content: '', reasoning: 'first second ' });
			expect(await storedThinking(posted.replyId)).toMatchObject({ status: 'error', reasoning: 'first second ' });
		});

		it('asks Anthropic for extended thinking with the budget the model entry sets', async () => {
			const vars = {
				AI_MODELS: JSON.stringify([
					{
						id: 'thinking-claude',
						provider: 'anthropic',
						baseURL: fake.url,
						maxOutputTokens: 3000,
						reasoning: { budgetTokens: 2000 }
					}
				]),
				ANTHROPIC_API_KEY: 'fake-anthropic-key'
			};
			const { request } = await turn('Budgeted thinking', 5_000, vars);
			await completeReply(request);
			expect(fake.calls.at(-1)).toMatchObject({ api: 'anthropic', thinking: { type: 'enabled', budget_tokens: 2000 } });
		});

		it('writes a reply’s thinking only with that reply’s own writer token, while the reply is written', async () => {
			const mine = await turn('Whose thoughts are these');
			const other = await turn('Another reply');
			const progress = (replyId: string, token: string) =>
				client.rpc('write_reply_progress', {
					p_reply_id: replyId,
					p_writer_token: token,
					p_content: 'forged',
					p_reasoning: 'forged thinking'
				});
			const finish = (replyId: string, token: string) =>
				client.rpc('finish_reply', {
					p_reply_id: replyId,
					p_writer_token: token,
					p_content: 'forged',
					p_status: 'complete',
					p_model: 'forged',
					p_reasoning: 'forged thinking',
					p_reasoning_ms: 1
				});
			// With the person's own token through PostgREST: another reply's writer token, or a guess.
			for (const token of [other.posted.writerToken!, 'a-guessed-token']) {
				expect((await progress(mine.posted.replyId, token)).data).toBe('gone');
				expect((await finish(mine.posted.replyId, token)).data).toBe(false);
			}
			expect(await storedThinking(mine.posted.replyId)).toEqual({
				content: '',
				status: 'streaming',
				reasoning: '',
				reasoning_ms: null
			});
			// Its own token, once the reply has ended, writes nothing either.
			fake.sayNext('Mine.', 2, 'My own thoughts.');
			await completeReply(mine.request);
			const ended = await storedThinking(mine.posted.replyId);
			expect((await progress(mine.posted.replyId, mine.posted.writerToken!)).data).toBe('gone');
			expect((await finish(mine.posted.replyId, mine.posted.writerToken!)).data).toBe(false);
			expect(await storedThinking(mine.posted.replyId)).toEqual(ended);
			expect(ended).toMatchObject({ content: 'Mine.', reasoning: 'My own thoughts.' });
			await completeReply(other.request);
		});

		it('lets no one write a reply’s thinking through PostgREST, and changes nothing', async () => {
			const { posted, request } = await turn('Nothing to forge');
			await completeReply(request);
			const before = await storedThinking(posted.replyId);
			const inserted = await client
				.from('chat_messages')
				.insert({ session_id: posted.sessionId, role: 'assistant', content: 'x', reasoning: 'forged' } as never);
			expect(inserted.error?.code).toBe('42501');
			const updated = await client
				.from('chat_messages')
				.update({ reasoning: 'forged' } as never)
				.eq('id', posted.replyId)
				.select('id');
			expect(updated.error?.code).toBe('42501');
			expect(await storedThinking(posted.replyId)).toEqual(before);
		});
	});

	it('streams from Anthropic’s Messages API, with the system prompt in its own field', async () => {
		const { posted, request } = await turn('Hello Claude', 5_000, anthropic());
		const outcome = await completeReply({ ...request, systemPrompt: 'Answer like a pirate.' });
		expect(outcome).toEqual({ status: 'complete', content: 'Echo: Hello Claude', reasoning: '', reasoningMs: null });
		expect(await stored(posted.replyId)).toMatchObject({ status: 'complete', model: 'fake-claude' });
		expect(fake.calls.at(-1)).toMatchObject({
			api: 'anthropic',
			model: 'fake-claude',
			system: 'Answer like a pirate.',
			maxTokens: 300,
			messages: [{ role: 'user', content: 'Hello Claude' }]
		});
	});

	it.each([
		['answers 500', 'status', ''],
		['sends an overloaded_error event midway', 'mid-stream', 'Echo: keep '],
		['ends its stream midway, without message_stop', 'cut-short', 'Echo: keep ']
	] as const)('keeps the message and stores an error when Anthropic %s', async (_label, mode, partial) => {
		fake.failNext(mode);
		const { posted, request } = await turn('keep this message please', 5_000, anthropic());
		const outcome = await completeReply(request);
		expect(fake.calls.at(-1)?.outcome).toBe(mode);
		expect(outcome.status).toBe('error');
		expect(outcome.content).toBe(partial);
		expect(await stored(posted.replyId)).toMatchObject({ status: 'error', content: partial, model: 'fake-claude' });
	});

	describe('from Google’s Gemini API', () => {
		const gemini = (entry: object = {}) => ({
			AI_MODELS: JSON.stringify([
				{ id: 'fake-gemini', provider: 'google', baseURL: fake.url, maxOutputTokens: 400, ...entry }
			]),
			GOOGLE_GENERATIVE_AI_API_KEY: 'fake-google-key'
		});

		it('streams the reply, with the system prompt as its system instruction', async () => {
			const { posted, request } = await turn('Hello Gemini', 5_000, gemini());
			const outcome = await completeReply({ ...request, systemPrompt: 'Answer like a pirate.' });
			expect(outcome).toEqual({ status: 'complete', content: 'Echo: Hello Gemini', reasoning: '', reasoningMs: null });
			expect(await stored(posted.replyId)).toMatchObject({ status: 'complete', model: 'fake-gemini' });
			expect(fake.calls.at(-1)).toMatchObject({
				api: 'google',
				model: 'fake-gemini',
				system: 'Answer like a pirate.',
				maxTokens: 400,
				messages: [{ role: 'user', content: 'Hello Gemini' }]
			});
		});

		it('reads thought parts as the thinking, asked for with the entry’s budget', async () => {
			const { posted, request } = await turn(
				'Think, Gemini',
				5_000,
				gemini({ maxOutputTokens: 3000, reasoning: { budgetTokens: 1500 } })
			);
			fake.sayNext('Ahoy.', 2, 'A pirate would say ahoy.');
			const outcome = await completeReply(request);
			expect(outcome).toMatchObject({ status: 'complete', content: 'Ahoy.', reasoning: 'A pirate would say ahoy.' });
			expect(fake.calls.at(-1)).toMatchObject({
				api: 'google',
				thinking: { thinkingBudget: 1500, includeThoughts: true }
			});
			expect(await stored(posted.replyId)).toMatchObject({ status: 'complete', content: 'Ahoy.' });
		});

		it.each([
			['answers 500', 'status', ''],
			['drops the connection midway', 'mid-stream', 'Echo: keep '],
			['ends its stream midway, without a finish reason', 'cut-short', 'Echo: keep ']
		] as const)('keeps the message and stores an error when Gemini %s', async (_label, mode, partial) => {
			fake.failNext(mode);
			const { posted, request } = await turn('keep this message please', 5_000, gemini());
			const outcome = await completeReply(request);
			expect(fake.calls.at(-1)?.outcome).toBe(mode);
			expect(outcome).toMatchObject({ status: 'error', content: partial });
			expect(await stored(posted.replyId)).toMatchObject({ status: 'error', content: partial, model: 'fake-gemini' });
		});

		it('sends an attached image as inline data, in the bytes the link serves', async () => {
			const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('a picture for Gemini')]);
			const files = createServer((_request, response) => {
				response.writeHead(200, { 'content-type': 'image/png' });
				response.end(png);
			});
			await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
			try {
				const { port } = files.address() as AddressInfo;
				const { posted, request } = await turn('What is in this picture?', 5_000, gemini({ input: ['text', 'image'] }));
				const image = {
					kind: 'image' as const,
					name: 'picture.png',
					mediaType: 'image/png',
					path: 'someone/picture',
					url: `http://127.0.0.1:${port}/picture.png`
				};
				const history = request.history.map((message) =>
					message.role === 'user' ? { ...message, attachments: [image] } : message
				);
				const outcome = await completeReply({ ...request, history });
				expect(outcome.status).toBe('complete');
				expect(fake.calls.at(-1)).toMatchObject({ api: 'google', model: 'fake-gemini' });
				expect(fake.calls.at(-1)?.images).toEqual([
					{
						wire: 'inlineData',
						mediaType: 'image/png',
						bytes: png.length,
						sha256: createHash('sha256').update(png).digest('hex')
					}
				]);
				expect(await stored(posted.replyId)).toMatchObject({ status: 'complete', model: 'fake-gemini' });
			} finally {
				files.close();
			}
		});
	});

	it('answers a 500-message chat, sending only the newest turns that fit the model’s budget', async () => {
		const first = await postMessage(client, { messageId: randomUUID(), content: 'turn 0' });
		await admin.from('chat_messages').update({ content: 'reply 0', status: 'complete' }).eq('id', first.replyId);
		const { data: owner } = await admin.from('chat_sessions').select('user_id').eq('id', first.sessionId).single();
		// One line of turns: each row answers the one before it.
		const ids = Array.from({ length: 498 }, () => randomUUID());
		const filler = ids.map((id, index) => ({
			id,
			parent_id: index ? ids[index - 1] : first.replyId,
			session_id: first.sessionId,
			user_id: owner!.user_id,
			role: index % 2 ? ('assistant' as const) : ('user' as const),
			status: 'complete' as const,
			content: `${index % 2 ? 'reply' : 'turn'} ${index + 1}: ${'lorem ipsum '.repeat(40)}`
		}));
		const { error } = await admin.from('chat_messages').insert(filler);
		expect(error).toBeNull();
		const posted = await postMessage(client, {
			messageId: randomUUID(),
			content: 'the last question',
			sessionId: first.sessionId
		});
		expect(posted.history).toHaveLength(502);

		const chatModel = modelRegistry(env(shorthand())).chatModel(null);
		const outcome = await completeReply({
			writer: writerFor(posted),
			chatModel,
			replyId: posted.replyId,
			history: posted.history,
			timeoutMs: 5_000
		});
		expect(outcome).toEqual({
			status: 'complete',
			content: 'Echo: the last question',
			reasoning: '',
			reasoningMs: null
		});
		const sent = fake.calls.at(-1)!.messages;
		// 8192 tokens less 1024 for the reply, three quarters of that, at ~125 tokens a turn.
		expect(sent.length).toBeGreaterThan(10);
		expect(sent.length).toBeLessThan(60);
		expect(sent.at(-1)).toEqual({ role: 'user', content: 'the last question' });
		expect(sent[0].role).toBe('user');
		const characters = sent.reduce((sum, message) => sum + message.content.length, 0);
		expect(characters / 4).toBeLessThan((8192 - 1024) * 0.75);
	});

	it.each([
		['answers 500', 'status', ''],
		['drops the stream midway', 'mid-stream', 'Echo: keep '],
		['ends its stream midway, without a finish reason', 'cut-short', 'Echo: keep '],
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

	const slowWords = Array.from({ length: 60 }, (_, index) => `w${index}`).join(' ');
	// Before the writer token, the writer wrote as the person, and a reply that outlived their
	// access token lost its final write.
	it.skipIf(!jwtSecret)('stores a reply that outlasts the access token it was started with', async () => {
		const { session } = await signedUpUser('short-token');
		// PostgREST accepts a token for 30 s past its exp (clock skew): this one has 2 s left.
		const leeway = 30;
		const expiresAt = Math.floor(Date.now() / 1000) + 2 - leeway;
		const shortToken = await new SignJWT({ ...decodeJwt(session.access_token), exp: expiresAt })
			.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
			.sign(new TextEncoder().encode(jwtSecret));
		const person = createClient<Database>(url, publishableKey, {
			auth: { persistSession: false, autoRefreshToken: false },
			global: { headers: { Authorization: `Bearer ${shortToken}` } }
		});
		const posted = await postMessage(person, { messageId: randomUUID(), content: 'Take your time' });
		const words = Array.from({ length: 40 }, (_, index) => `slow${index}`).join(' ');
		fake.sayNext(words, 100);
		const outcome = await completeReply({
			writer: writerFor(posted),
			chatModel: modelRegistry(env(shorthand())).chatModel(null),
			replyId: posted.replyId,
			history: posted.history,
			timeoutMs: 20_000
		});
		// The token had expired before the reply ended: the person's own requests are refused now.
		expect(Date.now() / 1000).toBeGreaterThan(expiresAt + leeway);
		const refused = await person.from('chat_messages').select('id').limit(1);
		expect(refused.error?.message).toMatch(/expired/i);
		expect(outcome).toEqual({ status: 'complete', content: words, reasoning: '', reasoningMs: null });
		expect(await stored(posted.replyId)).toMatchObject({ content: words, status: 'complete' });
	});

	it('ends at its next progress write when a stop is asked for in the database, stored as stopped', async () => {
		fake.sayNext(slowWords, 40);
		const { posted, request } = await turn('count for me');
		const run = writeReply(request);
		await run.next();
		await run.next();
		expect((await client.rpc('stop_reply', { p_reply_id: posted.replyId })).error).toBeNull();
		const outcome = await drain(run);
		expect(outcome.status).toBe('stopped');
		const row = await stored(posted.replyId);
		expect(row?.status).toBe('stopped');
		expect(row?.content.startsWith('w0 w1')).toBe(true);
		expect(row?.content.length).toBeLessThan(slowWords.length);
	});

	it('ends at once when this process hears the stop, and stores progress on the way', async () => {
		fake.sayNext(slowWords, 40);
		const { posted, request } = await turn('count again');
		const run = writeReply(request);
		for (let index = 0; index < 10; index++) await run.next();
		// Batched: what has arrived is in the database within about 250 ms.
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect((await stored(posted.replyId))?.content.startsWith('w0 w1')).toBe(true);
		expect(abortLocally(posted.replyId)).toBe(true);
		const outcome = await drain(run);
		expect(outcome.status).toBe('stopped');
		expect(abortLocally(posted.replyId)).toBe(false);
	});

	it('stops the model call when its own signal aborts (a timeout, a shutdown), and keeps what arrived', async () => {
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
		const model = modelRegistry(env({})).chatModel(null);
		expect(model.provider).toBe('demo');
		expect(model.label).toBe('Offline demo model');
		const { posted } = await turn('anyone there?');
		const outcome = await completeReply({
			writer: writerFor(posted),
			chatModel: model,
			replyId: posted.replyId,
			history: posted.history,
			timeoutMs: 5_000
		});
		expect(outcome.status).toBe('complete');
		expect(outcome.content).toContain('Offline demo model');
		expect(outcome.content).toContain('anyone there?');
	});

	describe('and then the title', () => {
		const planTitle = (plan: { text?: string; fail?: boolean }) =>
			fetch(`${fake.url.replace(/\/v1$/, '')}/_control/title`, { method: 'POST', body: JSON.stringify(plan) });
		const titleOf = async (sessionId: string) =>
			(await admin.from('chat_sessions').select('title').eq('id', sessionId).single()).data?.title;

		it('stores the model’s title in place of the first words', async () => {
			const { posted, request } = await turn('How do whales sleep without drowning?');
			const job = { sessionId: posted.sessionId, firstMessage: 'How do whales sleep without drowning?' };
			// The first reply ends first; its writer may then set the title once (a title grant).
			await completeReply({ ...request, title: job });
			await planTitle({ text: 'Whale sleep' });
			expect(await writeTitle(request.writer, request.chatModel, job, 'They rest half their brain.')).toBe(
				'Whale sleep'
			);
			expect(await titleOf(posted.sessionId)).toBe('Whale sleep');
		});

		it('keeps a title the person chose while the model was writing', async () => {
			const { posted, request } = await turn('Rename me before the title lands');
			const job = { sessionId: posted.sessionId, firstMessage: 'Rename me before the title lands' };
			await completeReply({ ...request, title: job });
			await client.from('chat_sessions').update({ title: 'My own title' }).eq('id', posted.sessionId);
			await planTitle({ text: 'Model title' });
			expect(await writeTitle(request.writer, request.chatModel, job, 'Reply')).toBeNull();
			expect(await titleOf(posted.sessionId)).toBe('My own title');
		});

		it('keeps the first words, and logs once, when the title call fails', async () => {
			const { posted, request } = await turn('A title that will not come');
			const job = { sessionId: posted.sessionId, firstMessage: 'A title that will not come' };
			await completeReply({ ...request, title: job });
			await planTitle({ fail: true });
			const log = vi.spyOn(console, 'error').mockImplementation(() => {});
			try {
				expect(await writeTitle(request.writer, request.chatModel, job, 'Reply')).toBeNull();
				expect(log).toHaveBeenCalledTimes(1);
				expect(String(log.mock.calls[0][0])).toMatch(
					/^\[[0-9a-f]{8}\] title for chat .* from openai-compatible\/fake-model: /
				);
			} finally {
				log.mockRestore();
			}
			expect(await titleOf(posted.sessionId)).toBe('A title that will not come');
		});
	});
});
