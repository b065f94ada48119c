// A stand-in for a model provider, speaking three real wire formats on one port:
//   POST /v1/chat/completions  OpenAI's Chat Completions SSE (every OpenAI-compatible server):
//                              `chat.completion.chunk` events, then `data: [DONE]`
//   POST /v1/messages          Anthropic's Messages SSE: message_start, content_block_start,
//                              ping, content_block_delta (text_delta)..., content_block_stop,
//                              message_delta, message_stop
//   POST /v1/models/{model}:streamGenerateContent?alt=sse
//                              Google's Gemini API SSE: `GenerateContentResponse` chunks of
//                              candidate parts, the last with finishReason STOP and usageMetadata
// A plan's `thinking` is streamed first, as each API sends a reasoning model's thoughts:
// `reasoning_content` deltas (DeepSeek, vLLM), an Anthropic `thinking` block (thinking_delta,
// then signature_delta) before the text block, or Gemini parts marked `thought: true`. (Ollama's `<think>` tags are just text: `say` them.)
//   GET /v1/models             the models it offers, as OpenAI lists them (`{"object": "list", "data": [...]}`),
//                              and as Ollama, LM Studio and vLLM answer the same request
// It echoes the last user message word by word and can be told to fail a call:
//   status     answers 500 with the provider's own error body
//   mid-stream sends a few chunks, then fails: OpenAI's and Gemini's connection drops; Anthropic
//              sends an `error` event (overloaded_error), as its API does when it sheds load
//   hang       sends the headers, then nothing
// Control (for tests, over HTTP so a separate process can steer it):
//   POST /_control/fail {"when": "...", "mode": "...", "times": 1}
//   POST /_control/say {"when": "...", "text": "...", "delayMs": 200, "thinking"?: "...",
//                       "toolCalls"?: [{"name": "notes__add", "arguments": {...}}]}
// A plan with `toolCalls` ends its call asking for those tools, all at once (OpenAI's `tool_calls`
// deltas with finish_reason tool_calls; Anthropic's `tool_use` blocks with stop_reason tool_use);
// the model's next call, carrying the tools' answers, takes the next plan.
//   GET /_control/calls?containing=...   POST /_control/reset
// `say` makes a reply that exact text (split at spaces into chunks) instead of the echo, and
// `delayMs` spaces its chunks out, for a reply that takes a while. Each plan is spent by the first
// call whose last message from the person contains `when`, so tests that run at once each steer
// their own calls: a test puts a marker of its own in what it sends. A plan without `when` is
// spent by the next call (an in-process fake that one test file owns).
// Title calls (Parley's title instructions as the system prompt) are kept apart, so they never
// take a scripted reply or a failure meant for a reply, and `when` is matched against the chat's
// first message. By default a title is the first message:
//   POST /_control/title {"when": "...", "text"?: "...", "fail"?: true, "delayMs"?: 0}
//   GET /_control/title-calls?containing=...
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * status: an HTTP 500 with the provider's error body; mid-stream: the provider's error event (or a
 * dropped socket) at the third piece; cut-short: the stream ends cleanly at the third piece, without
 * its closing frames, as a proxy that times a response out does; hang: headers, then nothing.
 */
export type FailureMode = 'status' | 'mid-stream' | 'cut-short' | 'hang';

export interface FakeCall {
	api: 'openai' | 'anthropic' | 'google';
	model: string;
	/** The conversation as plain text turns; Anthropic's system prompt is its own field. */
	messages: { role: string; content: string }[];
	system: string | null;
	/** max_tokens (Anthropic, OpenAI's older name), max_completion_tokens or maxOutputTokens, as sent. */
	maxTokens: number | null;
	/** Anthropic's `thinking` request field, or Gemini's `thinkingConfig`, as sent. */
	thinking: unknown;
	/**
	 * Every image the call carried, in the order sent: OpenAI's `image_url` part with a data URL,
	 * Anthropic's `image` block with a base64 source, or Gemini's `inlineData` part; the wire form is
	 * named, and the bytes hashed.
	 */
	images: { wire: ImageWire; mediaType: string; bytes: number; sha256: string }[];
	/** The names of the tools the call offered the model. */
	tools: string[];
	/** The tools' answers the call carried back to the model, in order (OpenAI's `tool` messages, Anthropic's `tool_result` blocks). */
	toolResults: { id: string; content: string }[];
	receivedAt: number;
	/** Epoch ms when the first content chunk was written. */
	firstTokenAt: number | null;
	outcome: 'complete' | FailureMode | 'client-gone';
}

export interface FakeProvider {
	/** The base URL both APIs live under, as providers take it (`…/v1`). */
	url: string;
	calls: FakeCall[];
	failNext(mode: FailureMode, times?: number): void;
	sayNext(text: string, delayMs?: number, thinking?: string): void;
	/** The next call asks for these tools (after `text`, if any); the call after it answers. */
	callToolsNext(toolCalls: PlannedToolCall[], text?: string): void;
	close(): Promise<void>;
}

interface Plan {
	/** Spent by the first call whose person's message contains this; any call when absent. */
	when?: string;
}
/** A call the model makes to one of the tools it was offered, by the name it was offered under. */
export interface PlannedToolCall {
	name: string;
	arguments: Record<string, unknown>;
}
interface ReplyPlan extends Plan {
	text: string;
	/** Tools to call after the text (which may be empty); the call then ends asking for them. */
	toolCalls?: PlannedToolCall[];
	delayMs?: number;
	/** Thoughts streamed before the text, word by word, delayMs apart like it. */
	thinking?: string;
}
interface FailurePlan extends Plan {
	mode: FailureMode;
}
interface TitlePlan extends Plan {
	text?: string;
	fail?: boolean;
	delayMs?: number;
}

/** Takes the first plan that applies to a call about `text` out of the list. */
function spend<T extends Plan>(plans: T[], text: string): T | undefined {
	const index = plans.findIndex((plan) => plan.when === undefined || text.includes(plan.when));
	return index < 0 ? undefined : plans.splice(index, 1)[0];
}

/** The calls that mention `containing` in any message, or all of them. */
const mentioning = (calls: FakeCall[], containing: string | null) =>
	containing === null
		? calls
		: calls.filter((call) => call.messages.some((message) => message.content.includes(containing)));

/** How Parley's title calls start (src/lib/server/ai/title.ts). */
const TITLE_MARKER = 'You write titles for chats.';

export function replyFor(lastUserMessage: string): string {
	return `Echo: ${lastUserMessage}`;
}

type ImageWire = 'image_url' | 'image' | 'inlineData';
type WirePart = {
	type?: string;
	text?: string;
	/** Gemini's: a part of the model's thinking. */
	thought?: boolean;
	image_url?: { url: string };
	source?: { type: string; media_type: string; data: string };
	inlineData?: { mimeType: string; data: string };
	/** Anthropic's tool_result block. */
	tool_use_id?: string;
	content?: string | WirePart[];
};
type WireContent = string | WirePart[] | null;

function imagesOf(messages: { content: WireContent }[]): FakeCall['images'] {
	const found: FakeCall['images'] = [];
	const record = (wire: ImageWire, mediaType: string, base64: string) => {
		const bytes = Buffer.from(base64, 'base64');
		found.push({ wire, mediaType, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
	};
	for (const message of messages) {
		if (!Array.isArray(message.content)) continue;
		for (const part of message.content) {
			const dataUrl = part.type === 'image_url' ? /^data:([^;]+);base64,(.*)$/.exec(part.image_url?.url ?? '') : null;
			if (dataUrl) record('image_url', dataUrl[1], dataUrl[2]);
			if (part.type === 'image' && part.source?.type === 'base64') {
				record('image', part.source.media_type, part.source.data);
			}
			if (part.inlineData) record('inlineData', part.inlineData.mimeType, part.inlineData.data);
		}
	}
	return found;
}
// An assistant turn that only called tools has no content (OpenAI sends null).
const plainText = (content: WireContent | null | undefined): string =>
	typeof content === 'string' ? content : (content ?? []).map((part) => part.text ?? '').join('');

/** A Chat Completions or Messages request, as far as the fake reads it. */
interface ChatRequest {
	model: string;
	messages: { role: string; content: WireContent; tool_call_id?: string }[];
	/** OpenAI's `{type: 'function', function: {name}}`, or Anthropic's `{name}`. */
	tools?: { name?: string; function?: { name: string } }[];
	system?: WireContent;
	max_tokens?: number;
	max_completion_tokens?: number;
	thinking?: unknown;
}
/** A Gemini `generateContent` request, as far as the fake reads it. */
interface GeminiRequest {
	contents: { role: string; parts: WirePart[] }[];
	systemInstruction?: { parts: WirePart[] };
	generationConfig?: { maxOutputTokens?: number; thinkingConfig?: unknown };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Frames {
	errorBody: object;
	opening: string;
	/** Before the first thought, a word of thinking, and after the last one. */
	thinkingStart: string;
	thought(text: string): string;
	thinkingEnd: string;
	/** Before the answer's first word. */
	textStart: string;
	delta(text: string): string;
	/** Ends the reply: after its text, or after the tool calls it asks for (then the text block, if any, is closed first). */
	closing(outputTokens: number, end?: { toolCalls: PlannedToolCall[]; textOpened: boolean }): string;
	/** Written instead of the next delta by a mid-stream failure; none means the socket drops. */
	midStreamError?: string;
}

function openAiFrames(model: string, callNumber: number): Frames {
	const id = `chatcmpl-${callNumber}`;
	const created = Math.floor(Date.now() / 1000);
	const chunk = (delta: object, finishReason: string | null = null) =>
		`data: ${JSON.stringify({
			id,
			object: 'chat.completion.chunk',
			created,
			model,
			choices: [{ index: 0, delta, finish_reason: finishReason }]
		})}\n\n`;
	return {
		errorBody: { error: { message: 'The server had an error', type: 'server_error', code: null } },
		opening: chunk({ role: 'assistant', content: '' }),
		thinkingStart: '',
		thought: (text) => chunk({ reasoning_content: text }),
		thinkingEnd: '',
		textStart: '',
		delta: (text) => chunk({ content: text }),
		closing: (_outputTokens, end) => {
			if (!end?.toolCalls.length) return `${chunk({}, 'stop')}data: [DONE]\n\n`;
			// Each call's name first, then its arguments in two pieces, as the API streams them.
			const calls = end.toolCalls.flatMap((call, index) => {
				const args = JSON.stringify(call.arguments);
				const half = Math.ceil(args.length / 2);
				return [
					chunk({
						tool_calls: [
							{
								index,
								id: `call_${callNumber}_${index}`,
								type: 'function',
								function: { name: call.name, arguments: '' }
							}
						]
					}),
					chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] }),
					chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] })
				];
			});
			return `${calls.join('')}${chunk({}, 'tool_calls')}data: [DONE]\n\n`;
		}
	};
}

function anthropicFrames(model: string, callNumber: number, thinks: boolean): Frames {
	const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
	// The thinking block comes first, at index 0; the text block follows it.
	const index = thinks ? 1 : 0;
	return {
		errorBody: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } },
		opening:
			event('message_start', {
				message: {
					id: `msg_fake_${callNumber}`,
					type: 'message',
					role: 'assistant',
					model,
					content: [],
					stop_reason: null,
					stop_sequence: null,
					usage: { input_tokens: 10, output_tokens: 1 }
				}
			}) + event('ping', {}),
		thinkingStart: event('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }),
		thought: (thinking) => event('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking } }),
		thinkingEnd:
			event('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'fake-signature' } }) +
			event('content_block_stop', { index: 0 }),
		textStart: event('content_block_start', { index, content_block: { type: 'text', text: '' } }),
		delta: (text) => event('content_block_delta', { index, delta: { type: 'text_delta', text } }),
		closing: (outputTokens, end) => {
			const toolCalls = end?.toolCalls ?? [];
			const textClosed = end && !end.textOpened ? '' : event('content_block_stop', { index });
			const firstToolIndex = end && !end.textOpened ? index : index + 1;
			const tools = toolCalls.map((call, offset) => {
				const at = firstToolIndex + offset;
				const args = JSON.stringify(call.arguments);
				const half = Math.ceil(args.length / 2);
				return (
					event('content_block_start', {
						index: at,
						content_block: { type: 'tool_use', id: `toolu_${callNumber}_${offset}`, name: call.name, input: {} }
					}) +
					event('content_block_delta', {
						index: at,
						delta: { type: 'input_json_delta', partial_json: args.slice(0, half) }
					}) +
					event('content_block_delta', {
						index: at,
						delta: { type: 'input_json_delta', partial_json: args.slice(half) }
					}) +
					event('content_block_stop', { index: at })
				);
			});
			return (
				textClosed +
				tools.join('') +
				event('message_delta', {
					delta: { stop_reason: toolCalls.length ? 'tool_use' : 'end_turn', stop_sequence: null },
					usage: { output_tokens: outputTokens }
				}) +
				event('message_stop', {})
			);
		},
		midStreamError: event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } })
	};
}

function googleFrames(model: string): Frames {
	const chunk = (parts: WirePart[], end?: { outputTokens: number }) =>
		`data: ${JSON.stringify({
			candidates: [{ content: { role: 'model', parts }, index: 0, ...(end ? { finishReason: 'STOP' } : {}) }],
			...(end
				? {
						usageMetadata: {
							promptTokenCount: 10,
							candidatesTokenCount: end.outputTokens,
							totalTokenCount: 10 + end.outputTokens
						}
					}
				: {}),
			modelVersion: model
		})}\r\n\r\n`;
	return {
		errorBody: { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } },
		opening: '',
		thinkingStart: '',
		thought: (text) => chunk([{ text, thought: true }]),
		thinkingEnd: '',
		textStart: '',
		delta: (text) => chunk([{ text }]),
		closing: (outputTokens) => chunk([], { outputTokens })
	};
}

/** A Gemini request as the reply's other formats have it: turns of role and content. */
function fromGemini(body: GeminiRequest, model: string): ChatRequest {
	return {
		model,
		messages: body.contents.map((content) => ({
			role: content.role === 'model' ? 'assistant' : content.role,
			content: content.parts
		})),
		system: body.systemInstruction?.parts,
		max_tokens: body.generationConfig?.maxOutputTokens,
		thinking: body.generationConfig?.thinkingConfig
	};
}

/** The models the fake says it offers; it answers a completion for any name. */
export const FAKE_SERVER_MODELS = ['fake-reasoner', 'fake-small'];

function listModels(response: ServerResponse) {
	response.writeHead(200, { 'content-type': 'application/json' });
	response.end(
		JSON.stringify({
			object: 'list',
			data: FAKE_SERVER_MODELS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' }))
		})
	);
}

export async function startFakeProvider(options: { port?: number; tokenDelayMs?: number } = {}): Promise<FakeProvider> {
	const tokenDelayMs = options.tokenDelayMs ?? 20;
	const calls: FakeCall[] = [];
	const failures: FailurePlan[] = [];
	const scripted: ReplyPlan[] = [];
	const titleCalls: FakeCall[] = [];
	const titlePlans: TitlePlan[] = [];
	const hanging = new Set<ServerResponse>();

	/** One streamed reply in any format: the framing differs, the plan (words, failure) does not. */
	async function completion(api: FakeCall['api'], request: IncomingMessage, response: ServerResponse, model?: string) {
		const raw = await readJson(request);
		const body = api === 'google' ? fromGemini(raw as GeminiRequest, model ?? '') : (raw as ChatRequest);
		// A person's message of tool results alone (Anthropic's form) is the tools' turn, not theirs.
		const isToolTurn = (message: ChatRequest['messages'][number]) =>
			message.role === 'tool' ||
			(Array.isArray(message.content) &&
				message.content.length > 0 &&
				message.content.every((part) => part.type === 'tool_result'));
		const turns = body.messages.map((message) => ({
			role: isToolTurn(message) ? 'tool' : message.role,
			content: plainText(message.content)
		}));
		const systemTurns = turns.filter((message) => message.role === 'system');
		const call: FakeCall = {
			api,
			model: body.model,
			messages: turns.filter((message) => message.role !== 'system'),
			system: body.system ? plainText(body.system) : systemTurns.map((message) => message.content).join('\n') || null,
			maxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
			thinking: body.thinking ?? null,
			images: imagesOf(body.messages),
			tools: (body.tools ?? []).map((tool) => tool.function?.name ?? tool.name ?? ''),
			toolResults: body.messages.flatMap((message) =>
				message.role === 'tool'
					? [{ id: message.tool_call_id ?? '', content: plainText(message.content) }]
					: Array.isArray(message.content)
						? message.content
								.filter((part) => part.type === 'tool_result')
								.map((part) => ({ id: part.tool_use_id ?? '', content: plainText(part.content ?? '') }))
						: []
			),
			receivedAt: Date.now(),
			firstTokenAt: null,
			outcome: 'complete'
		};
		const isTitle = call.system?.startsWith(TITLE_MARKER) ?? false;
		const firstUserMessage = call.messages.find((message) => message.role === 'user')?.content ?? '';
		const lastUser = [...call.messages].reverse().find((message) => message.role === 'user')?.content ?? '';
		const titlePlan = isTitle ? spend(titlePlans, firstUserMessage) : undefined;
		(isTitle ? titleCalls : calls).push(call);
		if (titlePlan?.delayMs) await sleep(titlePlan.delayMs);
		const failure = isTitle ? (titlePlan?.fail ? 'status' : undefined) : spend(failures, lastUser)?.mode;
		const firstUser = firstUserMessage.split('\n')[0];
		// A stream that breaks midway still follows its plan up to the break (its thinking, say).
		const breaksMidway = failure === 'mid-stream' || failure === 'cut-short';
		const plan = isTitle || (failure && !breaksMidway) ? undefined : spend(scripted, lastUser);
		const script = isTitle ? (titlePlan?.text ?? firstUser) : plan?.text;
		const thoughts = plan?.thinking ? plan.thinking.split(/(?<= )/) : [];
		const wire =
			api === 'openai'
				? openAiFrames(body.model, calls.length)
				: api === 'google'
					? googleFrames(body.model)
					: anthropicFrames(body.model, calls.length, thoughts.length > 0);

		if (failure === 'status') {
			call.outcome = 'status';
			response.writeHead(500, { 'content-type': 'application/json' });
			response.end(JSON.stringify(wire.errorBody));
			return;
		}

		response.writeHead(200, {
			'content-type': 'text/event-stream',
			'cache-control': 'no-cache',
			connection: 'keep-alive'
		});
		response.flushHeaders();
		if (failure === 'hang') {
			call.outcome = 'hang';
			hanging.add(response);
			response.on('close', () => hanging.delete(response));
			return;
		}
		response.on('close', () => {
			if (!response.writableFinished && call.outcome === 'complete') call.outcome = 'client-gone';
		});
		response.write(wire.opening);
		const text = script ?? replyFor(lastUser);
		const words = text ? text.split(/(?<= )/) : [];
		// The thoughts, then the answer: a mid-stream failure at the third piece breaks a reply
		// with thinking in the middle of a thought.
		const pieces = [
			...thoughts.map((text) => ({ thought: true, text })),
			...words.map((text) => ({ thought: false, text }))
		];
		for (const [index, piece] of pieces.entries()) {
			if (response.destroyed) return;
			if (breaksMidway && index === 2) {
				call.outcome = failure;
				if (failure === 'cut-short') response.end();
				else if (wire.midStreamError) response.end(wire.midStreamError);
				else response.destroy();
				return;
			}
			if (index === 0 && piece.thought) response.write(wire.thinkingStart);
			if (!piece.thought && (index === 0 || pieces[index - 1].thought)) {
				if (index > 0) response.write(wire.thinkingEnd);
				response.write(wire.textStart);
			}
			response.write(piece.thought ? wire.thought(piece.text) : wire.delta(piece.text));
			call.firstTokenAt ??= Date.now();
			await sleep(plan?.delayMs ?? tokenDelayMs);
		}
		response.end(
			wire.closing(
				words.length,
				plan?.toolCalls?.length ? { toolCalls: plan.toolCalls, textOpened: words.length > 0 } : undefined
			)
		);
	}

	async function control(request: IncomingMessage, response: ServerResponse, url: URL) {
		const path = url.pathname;
		const containing = url.searchParams.get('containing');
		if (path === '/_control/fail' && request.method === 'POST') {
			const { times = 1, ...plan } = (await readJson(request)) as FailurePlan & { times?: number };
			for (let count = 0; count < times; count++) failures.push(plan);
		} else if (path === '/_control/say' && request.method === 'POST') {
			scripted.push((await readJson(request)) as ReplyPlan);
		} else if (path === '/_control/title' && request.method === 'POST') {
			titlePlans.push((await readJson(request)) as TitlePlan);
		} else if (path === '/_control/title-calls') {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(JSON.stringify(mentioning(titleCalls, containing)));
			return;
		} else if (path === '/_control/reset' && request.method === 'POST') {
			failures.length = 0;
			scripted.length = 0;
			calls.length = 0;
			titlePlans.length = 0;
			titleCalls.length = 0;
		} else if (path !== '/_control/calls') {
			response.writeHead(404).end();
			return;
		}
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end(JSON.stringify(mentioning(calls, containing)));
	}

	const server: Server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://fake');
		const path = url.pathname;
		const gemini = /^\/v1\/models\/([^/:]+):streamGenerateContent$/.exec(path);
		const handled =
			path === '/v1/models' && request.method === 'GET'
				? Promise.resolve(listModels(response))
				: path === '/v1/chat/completions' && request.method === 'POST'
					? completion('openai', request, response)
					: path === '/v1/messages' && request.method === 'POST'
						? completion('anthropic', request, response)
						: gemini && request.method === 'POST'
							? completion('google', request, response, decodeURIComponent(gemini[1]))
							: path.startsWith('/_control/')
								? control(request, response, url)
								: Promise.resolve(void response.writeHead(404).end());
		handled.catch((error: unknown) => {
			if (!response.headersSent) response.writeHead(400, { 'content-type': 'text/plain' });
			response.end(String(error));
		});
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}/v1`,
		calls,
		failNext(mode, times = 1) {
			for (let count = 0; count < times; count++) failures.push({ mode });
		},
		sayNext(text, delayMs, thinking) {
			scripted.push({ text, delayMs, thinking });
		},
		callToolsNext(toolCalls, text = '') {
			scripted.push({ text, toolCalls });
		},
		async close() {
			for (const response of hanging) response.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
