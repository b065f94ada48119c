// A stand-in for an OpenAI-compatible provider, speaking the real wire format: POST
// /v1/chat/completions answered with `text/event-stream` chunks and a final `data: [DONE]`.
// It echoes the last user message word by word and can be told to fail the next call:
//   status     answers 500 with OpenAI's error body
//   mid-stream sends a few chunks, then drops the connection
//   hang       sends the headers, then nothing
// Control (for tests, over HTTP so a separate process can steer it):
//   POST /_control/fail {"mode": "...", "times": 1}   POST /_control/say {"text": "..."}
//   GET /_control/calls   POST /_control/reset
// `say` makes the next reply that exact text (split at spaces into chunks) instead of the echo.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FailureMode = 'status' | 'mid-stream' | 'hang';

export interface FakeCall {
	model: string;
	messages: { role: string; content: string }[];
	receivedAt: number;
	/** Epoch ms when the first content chunk was written. */
	firstTokenAt: number | null;
	outcome: 'complete' | FailureMode | 'client-gone';
}

export interface FakeOpenAI {
	url: string;
	calls: FakeCall[];
	failNext(mode: FailureMode, times?: number): void;
	sayNext(text: string): void;
	close(): Promise<void>;
}

export function replyFor(lastUserMessage: string): string {
	return `Echo: ${lastUserMessage}`;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeOpenAI(options: { port?: number; tokenDelayMs?: number } = {}): Promise<FakeOpenAI> {
	const tokenDelayMs = options.tokenDelayMs ?? 20;
	const calls: FakeCall[] = [];
	const failures: FailureMode[] = [];
	const scripted: string[] = [];
	const hanging = new Set<ServerResponse>();

	async function completions(request: IncomingMessage, response: ServerResponse) {
		const body = (await readJson(request)) as { model: string; stream?: boolean; messages: FakeCall['messages'] };
		const call: FakeCall = {
			model: body.model,
			messages: body.messages,
			receivedAt: Date.now(),
			firstTokenAt: null,
			outcome: 'complete'
		};
		calls.push(call);
		const failure = failures.shift();
		const script = failure ? undefined : scripted.shift();

		if (failure === 'status') {
			call.outcome = 'status';
			response.writeHead(500, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ error: { message: 'The server had an error', type: 'server_error', code: null } }));
			return;
		}
		const lastUser = [...body.messages].reverse().find((message) => message.role === 'user')?.content ?? '';
		const id = `chatcmpl-${calls.length}`;
		const created = Math.floor(Date.now() / 1000);
		const chunk = (delta: object, finishReason: string | null = null) =>
			`data: ${JSON.stringify({
				id,
				object: 'chat.completion.chunk',
				created,
				model: body.model,
				choices: [{ index: 0, delta, finish_reason: finishReason }]
			})}\n\n`;

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
		response.write(chunk({ role: 'assistant', content: '' }));
		const words = (script ?? replyFor(lastUser)).split(/(?<= )/);
		for (const [index, word] of words.entries()) {
			if (response.destroyed) return;
			if (failure === 'mid-stream' && index === 2) {
				call.outcome = 'mid-stream';
				response.destroy();
				return;
			}
			response.write(chunk({ content: word }));
			call.firstTokenAt ??= Date.now();
			await sleep(tokenDelayMs);
		}
		response.write(chunk({}, 'stop'));
		response.end('data: [DONE]\n\n');
	}

	async function control(request: IncomingMessage, response: ServerResponse, path: string) {
		if (path === '/_control/fail' && request.method === 'POST') {
			const { mode, times = 1 } = (await readJson(request)) as { mode: FailureMode; times?: number };
			for (let count = 0; count < times; count++) failures.push(mode);
		} else if (path === '/_control/say' && request.method === 'POST') {
			scripted.push(((await readJson(request)) as { text: string }).text);
		} else if (path === '/_control/reset' && request.method === 'POST') {
			failures.length = 0;
			scripted.length = 0;
			calls.length = 0;
		} else if (path !== '/_control/calls') {
			response.writeHead(404).end();
			return;
		}
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end(JSON.stringify(calls));
	}

	const server: Server = createServer((request, response) => {
		const path = new URL(request.url ?? '/', 'http://fake').pathname;
		const handled =
			path === '/v1/chat/completions' && request.method === 'POST'
				? completions(request, response)
				: path.startsWith('/_control/')
					? control(request, response, path)
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
			for (let count = 0; count < times; count++) failures.push(mode);
		},
		sayNext(text) {
			scripted.push(text);
		},
		async close() {
			for (const response of hanging) response.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
