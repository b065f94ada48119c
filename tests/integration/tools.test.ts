// Tools through MCP: the reply's writer against a real database, a test MCP server built with the
// official SDK, and the fake provider asking for tools in OpenAI's and Anthropic's formats.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplyTools } from '../../src/lib/chat/tool-calls.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { modelRegistry } from '../../src/lib/server/ai/registry.ts';
import { writeReply, type ReplyPiece } from '../../src/lib/server/ai/reply.ts';
import { postMessage } from '../../src/lib/server/chat/messages.ts';
import { exportedChats, importChats, jsonExport, markdownExport } from '../../src/lib/server/chat/transfer.ts';
import { exportFileSchema } from '../../src/lib/schemas/library.ts';
import { abortLocally } from '../../src/lib/server/chat/reply-control.ts';
import type { ToolsConfig } from '../../src/lib/server/tools/config.ts';
import { MODEL_RESULT_CHARS, toolCatalog } from '../../src/lib/server/tools/mcp.ts';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.ts';
import { startTestMcpServer, type TestMcpServer } from '../support/mcp-server.ts';
import { modelEnv } from '../support/model-env.ts';
import { adminClient, anonClient, signedUpUser } from './supabase.ts';

type Client = SupabaseClient<Database>;

/** Every tool the test MCP server offers, as the model is offered them (server id and name, sorted). */
const EVERY_TOOL = ['test__add', 'test__big', 'test__echo', 'test__fail', 'test__send_note', 'test__slow'];

describe('a reply with tools', () => {
	let fake: FakeProvider;
	let mcp: TestMcpServer;
	let client: Client;
	const admin = adminClient() as Client;

	beforeAll(async () => {
		[fake, mcp] = await Promise.all([startFakeProvider({ tokenDelayMs: 2 }), startTestMcpServer()]);
		client = (await signedUpUser('tools')).client as Client;
	});
	afterAll(() => Promise.all([fake.close(), mcp.close()]));

	const tools = (changes: Partial<ToolsConfig> = {}, timeoutMs = 5_000): ToolsConfig => ({
		servers: [
			{
				id: 'test',
				label: 'Test tools',
				url: mcp.url,
				headers: {},
				safeTools: ['add', 'slow', 'fail', 'big', 'echo'],
				timeoutMs
			}
		],
		maxSteps: 5,
		...changes
	});
	const openai = () => ({ AI_BASE_URL: fake.url, AI_MODEL: 'fake-model' });
	const anthropic = () => ({
		AI_MODELS: JSON.stringify([{ id: 'fake-claude', provider: 'anthropic', baseURL: fake.url }]),
		ANTHROPIC_API_KEY: 'fake-anthropic-key'
	});

	async function turn(
		content: string,
		config: ToolsConfig,
		vars: Record<string, string> = openai(),
		after?: { sessionId: string; parentId: string }
	) {
		const posted = await postMessage(client, { messageId: randomUUID(), content, ...after });
		return {
			posted,
			request: {
				writer: { client: anonClient() as Client, replyId: posted.replyId, token: posted.writerToken! },
				chatModel: modelRegistry(modelEnv(vars)).chatModel(null),
				replyId: posted.replyId,
				history: posted.history,
				timeoutMs: 15_000,
				tools: config
			}
		};
	}

	async function run(request: Parameters<typeof writeReply>[0]) {
		const pieces: ReplyPiece[] = [];
		const writer = writeReply(request);
		let step = await writer.next();
		while (!step.done) {
			pieces.push(step.value);
			step = await writer.next();
		}
		return { pieces, outcome: step.value };
	}

	const storedTools = async (id: string) =>
		(await admin.from('chat_messages').select('content, status, tools').eq('id', id).single()).data as {
			content: string;
			status: string;
			tools: ReplyTools | null;
		};

	it('calls a safe tool, hands its answer back to the model, and stores the card with the reply (OpenAI)', async () => {
		const question = `What is 2 + 3? ${randomUUID()}`;
		const { posted, request } = await turn(question, tools());
		fake.callToolsNext([{ name: 'test__add', arguments: { a: 2, b: 3 } }], 'Let me add. ');
		fake.sayNext('It is 5.');
		const { pieces, outcome } = await run(request);

		expect(outcome).toMatchObject({ status: 'complete', content: 'Let me add. It is 5.' });
		const asked = fake.calls.filter((call) => call.messages.some((message) => message.content === question));
		expect(asked).toHaveLength(2);
		// Every tool is offered; send_note, not marked safe, asks first (below).
		expect(asked[0].tools.sort()).toEqual(EVERY_TOOL);
		expect(asked[1].toolResults).toEqual([{ id: expect.any(String), content: '5' }]);
		expect(mcp.calls.at(-1)).toEqual({ tool: 'add', arguments: { a: 2, b: 3 } });

		// The page saw the card start, then end.
		const states = pieces.flatMap((piece) => (piece.kind === 'tools' ? [piece.tools.calls[0].status] : []));
		expect(states).toEqual(['running', 'complete']);
		const row = await storedTools(posted.replyId);
		expect(row.status).toBe('complete');
		expect(row.tools?.calls).toEqual([
			{
				id: expect.any(String),
				server: 'test',
				serverLabel: 'Test tools',
				tool: 'add',
				args: JSON.stringify({ a: 2, b: 3 }, null, 2),
				status: 'complete',
				result: '5',
				ms: expect.any(Number),
				// After "Let me add. ": the card sits between the two parts of the reply's text.
				at: 12
			}
		]);
	});

	it('exports the cards with the reply, in JSON and in Markdown where the calls were made; an import reads past them', async () => {
		const question = `Add for the export ${randomUUID()}`;
		const { posted, request } = await turn(question, tools());
		fake.callToolsNext([{ name: 'test__add', arguments: { a: 20, b: 22 } }], 'Adding them up. ');
		fake.sayNext('The total is 42.');
		await run(request);

		const text = async (chunks: AsyncGenerator<string>) => {
			let whole = '';
			for await (const chunk of chunks) whole += chunk;
			return whole;
		};
		const file = JSON.parse(await text(jsonExport(exportedChats(client, posted.sessionId))));
		const reply = file.chats[0].messages[1];
		expect(reply.content).toBe('Adding them up. The total is 42.');
		expect(reply.tools).toEqual({
			calls: [
				{
					tool: 'add',
					server: 'test',
					server_label: 'Test tools',
					status: 'complete',
					arguments: JSON.stringify({ a: 20, b: 22 }, null, 2),
					result: '42',
					duration_ms: expect.any(Number),
					at: 'Adding them up. '.length
				}
			]
		});

		const markdown = await text(markdownExport(exportedChats(client, posted.sessionId)));
		const [before, after] = markdown.split('**Tool call:** `add` on Test tools (complete)');
		expect(before).toContain('Adding them up.');
		expect(after).toContain('```\n42\n```');
		expect(after).toContain('The total is 42.');
		expect(before).not.toContain('The total is 42.');

		// The file imports back as a new chat, its text without the cards (the writer's alone).
		const parsed = exportFileSchema.parse(file);
		const [id] = await importChats(client, parsed.chats);
		const imported = await admin
			.from('chat_messages')
			.select('content, tools')
			.eq('session_id', id)
			.eq('role', 'assistant');
		expect(imported.data).toEqual([{ content: 'Adding them up. The total is 42.', tools: null }]);
	});

	it('shares the cards only when the owner asks, through PostgREST with their own token, and never another person’s chat', async () => {
		const { posted, request } = await turn(`Share a sum ${randomUUID()}`, tools());
		fake.callToolsNext([{ name: 'test__add', arguments: { a: 1, b: 2 } }], 'Adding. ');
		fake.sayNext('Three.');
		await run(request);
		const shared = async (withTools: boolean) => {
			const created = await client.rpc('create_share', { p_session_id: posted.sessionId, p_with_tools: withTools });
			expect(created.error).toBeNull();
			const read = await anonClient().rpc('get_shared_chat', { p_token: created.data![0].token });
			return (read.data![0].messages as { role: string; tools?: ReplyTools }[]).find((m) => m.role === 'assistant');
		};
		expect((await shared(false))?.tools).toBeUndefined();
		expect((await shared(true))?.tools?.calls).toMatchObject([{ tool: 'add', status: 'complete', result: '3' }]);

		const intruder = (await signedUpUser('tools-sharer')).client as Client;
		const refused = await intruder.rpc('create_share', { p_session_id: posted.sessionId, p_with_tools: true });
		expect(refused.error?.code).toBe('P0002');
		const shares = await admin.from('chat_shares').select('token').eq('session_id', posted.sessionId);
		expect(shares.data).toHaveLength(2);
	});

	it('asks a server for its tools once a minute: a reply that calls none costs it no request', async () => {
		// A first reply lists the tools (or finds them listed in the last minute).
		await run((await turn(`First ${randomUUID()}`, tools())).request);
		const before = mcp.requests;
		const { request } = await turn(`Just talk ${randomUUID()}`, tools());
		const { outcome } = await run(request);
		expect(outcome.status).toBe('complete');
		expect(mcp.requests).toBe(before);
	});

	it('runs parallel calls and a second step that uses the first results (Anthropic)', async () => {
		const question = `Add twice ${randomUUID()}`;
		const { posted, request } = await turn(question, tools(), anthropic());
		fake.callToolsNext([
			{ name: 'test__add', arguments: { a: 1, b: 2 } },
			{ name: 'test__add', arguments: { a: 3, b: 4 } }
		]);
		fake.callToolsNext([{ name: 'test__add', arguments: { a: 3, b: 7 } }]);
		fake.sayNext('The total is 10.');
		const { outcome } = await run(request);

		expect(outcome).toMatchObject({ status: 'complete', content: 'The total is 10.' });
		const asked = fake.calls.filter((call) => call.messages.some((message) => message.content === question));
		expect(asked.map((call) => call.api)).toEqual(['anthropic', 'anthropic', 'anthropic']);
		expect(asked[1].toolResults.map((result) => result.content)).toEqual(['3', '7']);
		expect(asked[2].toolResults.map((result) => result.content)).toEqual(['3', '7', '10']);
		const row = await storedTools(posted.replyId);
		expect(row.tools?.calls.map((call) => [call.args.replace(/\s+/g, ''), call.result])).toEqual([
			['{"a":1,"b":2}', '3'],
			['{"a":3,"b":4}', '7'],
			['{"a":3,"b":7}', '10']
		]);
	});

	it('gives the model a failing tool’s own words, and shows the card failed', async () => {
		const question = `Try the broken tool ${randomUUID()}`;
		const { posted, request } = await turn(question, tools());
		fake.callToolsNext([{ name: 'test__fail', arguments: {} }]);
		fake.sayNext('The tool failed; here is what I know.');
		const { outcome } = await run(request);

		expect(outcome.status).toBe('complete');
		const asked = fake.calls.filter((call) => call.messages.some((message) => message.content === question));
		expect(asked[1].toolResults[0].content).toContain('The tool broke: disk full.');
		const [card] = (await storedTools(posted.replyId)).tools!.calls;
		expect(card).toMatchObject({ tool: 'fail', status: 'error', result: 'The tool broke: disk full.' });
	});

	it('cuts a 1 MB answer for the model and for the card, and says so', async () => {
		const question = `Fetch the big one ${randomUUID()}`;
		const { posted, request } = await turn(question, tools());
		fake.callToolsNext([{ name: 'test__big', arguments: {} }]);
		fake.sayNext('That was long.');
		const { outcome } = await run(request);

		expect(outcome.status).toBe('complete');
		const asked = fake.calls.filter((call) => call.messages.some((message) => message.content === question));
		const sent = asked[1].toolResults[0].content;
		expect(sent.length).toBeLessThan(MODEL_RESULT_CHARS + 200);
		expect(sent).toContain('The tool answered 1048576 characters');
		const [card] = (await storedTools(posted.replyId)).tools!.calls;
		expect(card).toMatchObject({ tool: 'big', status: 'complete', resultCut: true });
		expect(card.result!.length).toBeLessThanOrEqual(8_000);
	});

	it('ends a call that outlasts its server’s timeout, and the reply goes on', async () => {
		const question = `Be slow ${randomUUID()}`;
		const { posted, request } = await turn(question, tools({}, 1_000));
		fake.callToolsNext([{ name: 'test__slow', arguments: { seconds: 5 } }]);
		fake.sayNext('It took too long.');
		const started = Date.now();
		const { outcome } = await run(request);

		expect(Date.now() - started).toBeLessThan(4_000);
		expect(outcome).toMatchObject({ status: 'complete', content: 'It took too long.' });
		const [card] = (await storedTools(posted.replyId)).tools!.calls;
		expect(card).toMatchObject({ tool: 'slow', status: 'error', result: 'The tool did not answer in time.' });
	});

	it('stops during a tool call when the person stops the reply, keeping the card', async () => {
		const question = `Slow, then stop ${randomUUID()}`;
		const { posted, request } = await turn(question, tools());
		fake.callToolsNext([{ name: 'test__slow', arguments: { seconds: 5 } }], 'Waiting. ');
		const writer = writeReply(request);
		let step = await writer.next();
		// Until the card says the call is running.
		while (!step.done && !(step.value.kind === 'tools' && step.value.tools.calls[0]?.status === 'running')) {
			step = await writer.next();
		}
		const started = Date.now();
		expect(abortLocally(posted.replyId)).toBe(true);
		while (!step.done) step = await writer.next();

		expect(Date.now() - started).toBeLessThan(3_000);
		expect(step.value).toMatchObject({ status: 'stopped', content: 'Waiting. ' });
		const row = await storedTools(posted.replyId);
		expect(row.status).toBe('stopped');
		expect(row.tools?.calls[0]).toMatchObject({ tool: 'slow', status: 'error' });
	});

	it('names a server that does not answer, and answers with the others’ tools', async () => {
		const config = tools();
		config.servers.push({
			id: 'gone',
			label: 'Gone server',
			url: 'http://127.0.0.1:9/mcp',
			headers: {},
			safeTools: ['anything'],
			timeoutMs: 2_000
		});
		const question = `With one server down ${randomUUID()}`;
		const { posted, request } = await turn(question, config);
		fake.callToolsNext([{ name: 'test__add', arguments: { a: 1, b: 1 } }]);
		fake.sayNext('Two.');
		const { outcome } = await run(request);

		expect(outcome).toMatchObject({ status: 'complete', content: 'Two.' });
		const asked = fake.calls.filter((call) => call.messages.some((message) => message.content === question));
		expect(asked[0].tools.every((name) => name.startsWith('test__'))).toBe(true);
		expect((await storedTools(posted.replyId)).tools).toMatchObject({ unavailable: ['Gone server'] });
	});

	it('falls back to HTTP+SSE for a server that refuses Streamable HTTP, for its list and its calls', async () => {
		const question = `Add over SSE ${randomUUID()}`;
		const config = tools();
		config.servers[0] = { ...config.servers[0], id: 'old', label: 'Old tools', url: mcp.url.replace(/\/mcp$/, '/sse') };
		const { posted, request } = await turn(question, config);
		fake.callToolsNext([{ name: 'old__add', arguments: { a: 6, b: 7 } }]);
		fake.sayNext('Thirteen.');
		const { outcome } = await run(request);
		expect(outcome).toMatchObject({ status: 'complete', content: 'Thirteen.' });
		const row = await storedTools(posted.replyId);
		expect(row.tools?.calls).toMatchObject([
			{ tool: 'add', serverLabel: 'Old tools', status: 'complete', result: '13' }
		]);
		expect(row.tools?.unavailable).toBeUndefined();
		const catalog = await toolCatalog(config, AbortSignal.timeout(5_000));
		expect(catalog[0]).toMatchObject({ label: 'Old tools', reachable: true });
		expect(catalog[0].tools.map((tool) => tool.name)).toContain('old__add');
	});

	it('follows no redirect from a server: one that points elsewhere is named as not reachable', async () => {
		const config = tools();
		config.servers = [
			{ ...config.servers[0], id: 'moved', label: 'Moved server', url: mcp.url.replace('/mcp', '/moved') }
		];
		const { posted, request } = await turn(`Through a redirect ${randomUUID()}`, config);
		const { outcome } = await run(request);

		expect(outcome.status).toBe('complete');
		const asked = fake.calls.at(-1)!;
		expect(asked.tools).toEqual([]);
		expect((await storedTools(posted.replyId)).tools).toMatchObject({ unavailable: ['Moved server'] });
	});

	it('stops at the operator’s step limit, and says so', async () => {
		const question = `Loop forever ${randomUUID()}`;
		const { posted, request } = await turn(question, tools({ maxSteps: 2 }));
		fake.callToolsNext([{ name: 'test__add', arguments: { a: 1, b: 1 } }]);
		fake.callToolsNext([{ name: 'test__add', arguments: { a: 2, b: 2 } }]);
		const { outcome } = await run(request);

		const asked = fake.calls.filter((call) => call.messages.some((message) => message.content === question));
		expect(asked).toHaveLength(2);
		expect(outcome.status).toBe('complete');
		const row = await storedTools(posted.replyId);
		expect(row.tools).toMatchObject({ stepLimit: 2 });
		expect(row.tools!.calls).toHaveLength(2);
	});

	describe('a tool that is not marked safe', () => {
		/** Runs the writer until a call waits for the person; then the rest, as `finish`. */
		async function untilAsked(request: Parameters<typeof writeReply>[0]) {
			const writer = writeReply(request);
			let step = await writer.next();
			while (
				!step.done &&
				!(step.value.kind === 'tools' && step.value.tools.calls.some((c) => c.status === 'awaiting'))
			) {
				step = await writer.next();
			}
			expect(step.done).toBe(false);
			const callId = step.done || step.value.kind !== 'tools' ? '' : step.value.tools.calls[0].id;
			return {
				callId,
				async finish() {
					let last = await writer.next();
					while (!last.done) last = await writer.next();
					return last.value;
				}
			};
		}
		const decide = (as: Client, replyId: string, callId: string, decision: string) =>
			as.rpc('decide_tool_call', { p_reply_id: replyId, p_call_id: callId, p_decision: decision });

		it('waits for the person, and runs once they allow it through PostgREST with their own token', async () => {
			const note = `Lunch at one ${randomUUID()}`;
			const question = `Send a note ${randomUUID()}`;
			const { posted, request } = await turn(question, tools());
			fake.callToolsNext([{ name: 'test__send_note', arguments: { text: note } }]);
			fake.sayNext('Sent.');
			const asked = await untilAsked(request);
			// Waiting: nothing was sent, and the card says so in the database too.
			expect(mcp.notes).not.toContain(note);
			await expect.poll(async () => (await storedTools(posted.replyId)).tools?.calls[0].status).toBe('awaiting');

			expect((await decide(client, posted.replyId, asked.callId, 'allow')).data).toBe(true);
			// Once only.
			expect((await decide(client, posted.replyId, asked.callId, 'deny')).data).toBe(false);
			const outcome = await asked.finish();
			expect(outcome).toMatchObject({ status: 'complete', content: 'Sent.' });
			expect(mcp.notes).toContain(note);
			const [card] = (await storedTools(posted.replyId)).tools!.calls;
			expect(card).toMatchObject({ tool: 'send_note', status: 'complete', result: `Note sent: ${note}` });
		});

		it('goes back to the model as a refusal when denied, and the tool never runs', async () => {
			const note = `Never send ${randomUUID()}`;
			const question = `Send nothing ${randomUUID()}`;
			const { posted, request } = await turn(question, tools(), anthropic());
			fake.callToolsNext([{ name: 'test__send_note', arguments: { text: note } }]);
			fake.sayNext('I did not send it.');
			const asked = await untilAsked(request);
			expect((await decide(client, posted.replyId, asked.callId, 'deny')).data).toBe(true);
			const outcome = await asked.finish();

			expect(outcome).toMatchObject({ status: 'complete', content: 'I did not send it.' });
			expect(mcp.notes).not.toContain(note);
			const calls = fake.calls.filter((call) => call.messages.some((message) => message.content === question));
			expect(calls[1].toolResults[0].content).toContain('did not allow');
			expect((await storedTools(posted.replyId)).tools!.calls[0]).toMatchObject({ status: 'denied' });
		});

		it('asks no more in this chat once always allowed', async () => {
			const question = `Always ${randomUUID()}`;
			const first = await turn(question, tools());
			fake.callToolsNext([{ name: 'test__send_note', arguments: { text: `first ${question}` } }]);
			fake.sayNext('Sent once.');
			const asked = await untilAsked(first.request);
			expect((await decide(client, first.posted.replyId, asked.callId, 'always')).data).toBe(true);
			await asked.finish();
			const chat = await admin.from('chat_sessions').select('allowed_tools').eq('id', first.posted.sessionId).single();
			expect(chat.data?.allowed_tools).toEqual(['test__send_note']);

			const again = `Again ${randomUUID()}`;
			const second = await turn(again, tools(), openai(), {
				sessionId: first.posted.sessionId,
				parentId: first.posted.replyId
			});
			fake.callToolsNext([{ name: 'test__send_note', arguments: { text: `second ${again}` } }]);
			fake.sayNext('Sent twice.');
			const { pieces, outcome } = await run(second.request);
			expect(outcome).toMatchObject({ status: 'complete', content: 'Sent twice.' });
			const statuses = pieces.flatMap((piece) =>
				piece.kind === 'tools' ? piece.tools.calls.map((c) => c.status) : []
			);
			expect(statuses).not.toContain('awaiting');
			expect(mcp.notes).toContain(`second ${again}`);
		});

		it('takes no answer from another person or from no one, and changes nothing', async () => {
			const other = (await signedUpUser('tools-other')).client as Client;
			const question = `Not yours ${randomUUID()}`;
			const { posted, request } = await turn(question, tools());
			fake.callToolsNext([{ name: 'test__send_note', arguments: { text: `not sent ${question}` } }]);
			fake.sayNext('Declined.');
			const asked = await untilAsked(request);

			expect((await decide(other, posted.replyId, asked.callId, 'always')).data).toBe(false);
			const anon = await decide(anonClient() as Client, posted.replyId, asked.callId, 'allow');
			expect(anon.data).toBeNull();
			expect(anon.error).not.toBeNull();
			// The writer token's own question is the writer's alone.
			const permission = await other.rpc('tool_call_permission', {
				p_reply_id: posted.replyId,
				p_writer_token: 'guess',
				p_call_id: asked.callId,
				p_tool: 'test__send_note'
			});
			expect(permission.data).toBe('deny');
			expect((await storedTools(posted.replyId)).tools!.calls[0].status).toBe('awaiting');
			const chat = await admin.from('chat_sessions').select('allowed_tools').eq('id', posted.sessionId).single();
			expect(chat.data?.allowed_tools).toEqual([]);

			expect((await decide(client, posted.replyId, asked.callId, 'deny')).data).toBe(true);
			await asked.finish();
			expect(mcp.notes).not.toContain(`not sent ${question}`);
		});

		it('stops the reply when nobody answers in time, and the tool never runs', async () => {
			const question = `Nobody answers ${randomUUID()}`;
			const { posted, request } = await turn(question, tools({ approvalTimeoutMs: 1_500 }));
			fake.callToolsNext([{ name: 'test__send_note', arguments: { text: `unanswered ${question}` } }], 'Asking. ');
			const outcome = await run(request).then((result) => result.outcome);

			expect(outcome).toMatchObject({ status: 'stopped', content: 'Asking. ' });
			expect(mcp.notes).not.toContain(`unanswered ${question}`);
			const row = await storedTools(posted.replyId);
			expect(row.status).toBe('stopped');
			expect(row.tools!.calls[0]).toMatchObject({ status: 'denied', result: expect.stringContaining('Not answered') });
		});
	});

	it('lets a person with their own reply’s writer token (post_message hands it to them) write only that reply’s cards, in the table’s shape', async () => {
		const other = (await signedUpUser('tools-forger')).client as Client;
		const { posted } = await turn(`My own cards ${randomUUID()}`, tools());
		const theirs = await postMessage(other, { messageId: randomUUID(), content: `Their chat ${randomUUID()}` });
		const forged = {
			calls: [{ id: 'forged', server: 'x', serverLabel: 'X', tool: 'y', args: '{}', status: 'awaiting' }]
		};
		const write = (replyId: string, toolsJson: unknown) =>
			client.rpc('write_reply_progress', {
				p_reply_id: replyId,
				p_writer_token: posted.writerToken!,
				p_content: '',
				p_tools: toolsJson as never
			});

		// Their own reply, like its text: allowed, in the shape the table checks.
		expect((await write(posted.replyId, forged)).data).toBe('go');
		expect((await write(posted.replyId, [forged])).error?.code).toBe('23514');
		expect((await write(posted.replyId, { calls: ['x'.repeat(300_000)] })).error?.code).toBe('23514');
		// Another person's reply, with this token: refused, and unchanged.
		expect((await write(theirs.replyId, forged)).data).toBe('gone');
		expect((await storedTools(theirs.replyId)).tools).toBeNull();

		// An "always" for a card they forged reaches their own chat and no other.
		expect(
			(await client.rpc('decide_tool_call', { p_reply_id: posted.replyId, p_call_id: 'forged', p_decision: 'always' }))
				.data
		).toBe(true);
		const chats = await admin
			.from('chat_sessions')
			.select('id, allowed_tools')
			.in('id', [posted.sessionId, theirs.sessionId]);
		expect(Object.fromEntries(chats.data!.map((chat) => [chat.id, chat.allowed_tools]))).toEqual({
			[posted.sessionId]: ['x__y'],
			[theirs.sessionId]: []
		});
	});

	it('lets no one write a reply’s tool calls but its writer, through PostgREST with their own token or none', async () => {
		const { posted } = await turn(`Forge a card ${randomUUID()}`, tools());
		const forged = {
			calls: [{ id: 'x', server: 'test', serverLabel: 'T', tool: 'add', args: '{}', status: 'complete' }]
		};
		// Straight through PostgREST, with the owner's own token: the column is not theirs to write.
		const direct = await client
			.from('chat_messages')
			.update({ tools: forged } as never)
			.eq('id', posted.replyId);
		expect(direct.error?.code).toBe('42501');
		// With a wrong writer token, the progress write is refused.
		const progress = await client.rpc('write_reply_progress', {
			p_reply_id: posted.replyId,
			p_writer_token: 'not-the-token',
			p_content: 'forged',
			p_tools: forged
		});
		expect(progress.data).toBe('gone');
		const finish = await anonClient().rpc('finish_reply', {
			p_reply_id: posted.replyId,
			p_writer_token: 'not-the-token',
			p_content: 'forged',
			p_status: 'complete',
			p_model: 'forged',
			p_tools: forged
		});
		expect(finish.data).toBe(false);
		expect(await storedTools(posted.replyId)).toEqual({ content: '', status: 'streaming', tools: null });
	});

	describe('switched off in a chat', () => {
		const offered = (question: string) =>
			fake.calls.find((call) => call.messages.some((message) => message.content === question))?.tools.sort();

		it('is not offered to the model there, and a name no server offers switches nothing on', async () => {
			const question = `Which tools? ${randomUUID()}`;
			const first = await turn(`Start ${randomUUID()}`, tools());
			await run(first.request);
			// The person's own preference, written straight through PostgREST with their own token.
			const saved = await client
				.from('chat_sessions')
				.update({ disabled_tools: ['test__add', 'test__send_note', 'elsewhere__anything'] })
				.eq('id', first.posted.sessionId)
				.select('disabled_tools');
			expect(saved.error).toBeNull();
			const { request } = await turn(question, tools(), openai(), {
				sessionId: first.posted.sessionId,
				parentId: first.posted.replyId
			});
			fake.sayNext('Fine.');
			await run(request);
			expect(offered(question)).toEqual(['test__big', 'test__echo', 'test__fail', 'test__slow']);

			// Another chat of theirs is untouched.
			const other = `Another chat ${randomUUID()}`;
			const elsewhere = await turn(other, tools());
			fake.sayNext('Fine.');
			await run(elsewhere.request);
			expect(offered(other)).toEqual(EVERY_TOOL);
		});

		it('is read by the writer with its token alone: another token reads nothing, and no one else writes the list', async () => {
			const { posted } = await turn(`Mine ${randomUUID()}`, tools());
			await client
				.from('chat_sessions')
				.update({ disabled_tools: ['test__add'] })
				.eq('id', posted.sessionId);
			// A person holding their own reply's writer token (post_message hands it to them) reads
			// their own chat's list, which they can read anyway; a wrong token reads nothing.
			const own = await client.rpc('reply_disabled_tools', {
				p_reply_id: posted.replyId,
				p_writer_token: posted.writerToken!
			});
			expect(own.data).toEqual(['test__add']);
			const wrong = await anonClient().rpc('reply_disabled_tools', {
				p_reply_id: posted.replyId,
				p_writer_token: 'not-the-token'
			});
			expect(wrong.data).toEqual([]);

			// Another person, through PostgREST with their own token, neither reads nor writes it.
			const intruder = (await signedUpUser('tools-intruder')).client as Client;
			const read = await intruder.rpc('reply_disabled_tools', { p_reply_id: posted.replyId, p_writer_token: '' });
			expect(read.data).toEqual([]);
			const written = await intruder
				.from('chat_sessions')
				.update({ disabled_tools: [] })
				.eq('id', posted.sessionId)
				.select('id');
			expect(written.data).toEqual([]);
			const anon = await anonClient().from('chat_sessions').update({ disabled_tools: [] }).eq('id', posted.sessionId);
			expect(anon.error?.code).toBe('42501');
			// And the list is bounded: too many names are refused by the table.
			const tooMany = await client
				.from('chat_sessions')
				.update({ disabled_tools: Array.from({ length: 201 }, (_, index) => `test__t${index}`) })
				.eq('id', posted.sessionId);
			expect(tooMany.error?.code).toBe('23514');
			const row = await admin.from('chat_sessions').select('disabled_tools').eq('id', posted.sessionId).single();
			expect(row.data?.disabled_tools).toEqual(['test__add']);
		});
	});
});
