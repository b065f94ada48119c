// A Model Context Protocol server for the tests, built with the official SDK and served over
// Streamable HTTP (stateless: each POST is a whole exchange) on loopback. Its tools:
//   add        adds two numbers (an operator would mark it safe)
//   send_note  records the note it is sent (a tool with an effect, which must ask first)
//   slow       answers after `seconds` (default 5), or when the call is cancelled
//   fail       always fails, as a tool reports a failure (isError)
//   big        returns about 1 MB of text
//   echo       answers the text it is sent, as it is (for markup in an answer)
// /sse speaks the older HTTP+SSE transport only (GET opens the stream, POST /messages carries
// requests), as a server not yet on Streamable HTTP does. /moved redirects to /mcp. GET /_control/notes lists the notes sent; POST /_control/reset forgets them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface TestMcpServer {
	/** The server's MCP endpoint. */
	url: string;
	notes: string[];
	/** Every tool call it answered, in order. */
	calls: { tool: string; arguments: Record<string, unknown> }[];
	/** How many requests reached the MCP endpoint. */
	readonly requests: number;
	close(): Promise<void>;
}

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

function toolServer(notes: string[], calls: TestMcpServer['calls']): McpServer {
	const server = new McpServer({ name: 'parley-test-tools', version: '1.0.0' });
	const called = (tool: string, args: Record<string, unknown>) => void calls.push({ tool, arguments: args });
	server.registerTool(
		'add',
		{ description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() } },
		async ({ a, b }) => {
			called('add', { a, b });
			return text(String(a + b));
		}
	);
	server.registerTool(
		'send_note',
		{ description: 'Sends a note to the team.', inputSchema: { text: z.string() } },
		async ({ text: note }) => {
			called('send_note', { text: note });
			notes.push(note);
			return text(`Note sent: ${note}`);
		}
	);
	server.registerTool(
		'slow',
		{ description: 'Answers after a while.', inputSchema: { seconds: z.number().optional() } },
		async ({ seconds = 5 }, { signal }) => {
			called('slow', { seconds });
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, seconds * 1000);
				signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
			});
			return text(`Done after ${seconds} s.`);
		}
	);
	server.registerTool('fail', { description: 'Always fails.', inputSchema: {} }, async () => {
		called('fail', {});
		return { ...text('The tool broke: disk full.'), isError: true };
	});
	server.registerTool('big', { description: 'Returns a lot of text.', inputSchema: {} }, async () => {
		called('big', {});
		return text('0123456789abcdef'.repeat(65_536));
	});
	server.registerTool(
		'echo',
		{ description: 'Answers the text it is sent.', inputSchema: { text: z.string() } },
		async ({ text: said }) => {
			called('echo', { text: said });
			return text(said);
		}
	);
	return server;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	const body = Buffer.concat(chunks).toString('utf8');
	return body ? JSON.parse(body) : undefined;
}

export async function startTestMcpServer(options: { port?: number } = {}): Promise<TestMcpServer> {
	const notes: string[] = [];
	const calls: TestMcpServer['calls'] = [];
	let requests = 0;
	const sseSessions = new Map<string, SSEServerTransport>();

	async function handle(request: IncomingMessage, response: ServerResponse) {
		const path = new URL(request.url ?? '/', 'http://mcp').pathname;
		if (path === '/_control/notes') {
			response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(notes));
			return;
		}
		if (path === '/_control/reset' && request.method === 'POST') {
			notes.length = 0;
			calls.length = 0;
			response.writeHead(204).end();
			return;
		}
		// A server that points elsewhere: Parley must not follow it.
		if (path === '/moved') {
			response.writeHead(307, { location: '/mcp' }).end();
			return;
		}
		if (path === '/sse' && request.method === 'GET') {
			requests++;
			const server = toolServer(notes, calls);
			const transport = new SSEServerTransport('/messages', response);
			sseSessions.set(transport.sessionId, transport);
			response.on('close', () => {
				sseSessions.delete(transport.sessionId);
				void server.close();
			});
			await server.connect(transport);
			return;
		}
		if (path === '/messages' && request.method === 'POST') {
			requests++;
			const transport = sseSessions.get(new URL(request.url ?? '/', 'http://mcp').searchParams.get('sessionId') ?? '');
			if (!transport) {
				response.writeHead(404).end();
				return;
			}
			await transport.handlePostMessage(request, response, await readBody(request));
			return;
		}
		if (path !== '/mcp') {
			// A POST to /sse is refused as a server without Streamable HTTP refuses it.
			response.writeHead(path === '/sse' ? 405 : 404).end();
			return;
		}
		requests++;
		// Stateless: a server and a transport per request, as the SDK's own stateless example does.
		const server = toolServer(notes, calls);
		const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
		response.on('close', () => {
			void transport.close();
			void server.close();
		});
		await server.connect(transport);
		await transport.handleRequest(request, response, request.method === 'POST' ? await readBody(request) : undefined);
	}

	const http: Server = createServer((request, response) => {
		handle(request, response).catch((error: unknown) => {
			if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
			response.end(String(error));
		});
	});
	await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/mcp`,
		notes,
		calls,
		get requests() {
			return requests;
		},
		async close() {
			http.closeAllConnections();
			await new Promise<void>((resolve) => http.close(() => resolve()));
		}
	};
}
