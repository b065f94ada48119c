// A reply's tools: the operator's Model Context Protocol servers, reached through the AI SDK's MCP
// client (Streamable HTTP, else HTTP+SSE), each bounded by its own timeout. A server that does not
// answer is left out, and named, and the reply goes on without its tools.
import { createMCPClient, type MCPClient } from '@ai-sdk/mcp';
import { dynamicTool, jsonSchema, type JSONSchema7, type ToolSet } from 'ai';
import type { ToolServerOffer } from '$lib/chat/tool-calls';
import type { ToolServerConfig, ToolsConfig } from './config';

/** The most of a tool's answer the model reads; a longer one is cut, and the model told so. */
export const MODEL_RESULT_CHARS = 20_000;

// OpenAI's and Anthropic's rule for a tool's name.
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const SEPARATOR = '__';

/** Asks the person before a tool that is not marked safe runs; resolves to their answer. */
export type AskApproval = (callId: string, toolName: string, signal: AbortSignal) => Promise<'allow' | 'deny'>;

/** What a tool the person did not allow answers the model. */
export const DENIED = 'The person did not allow this call. Answer without it.';

export interface ToolOrigin {
	server: ToolServerConfig;
	tool: string;
}

export interface Toolbox {
	tools: ToolSet;
	/** The server and tool behind a name the model used. */
	origin(name: string): ToolOrigin | undefined;
	/** The labels of servers that did not answer. */
	unavailable: string[];
	close(): Promise<void>;
}

/** A tool that reported a failure: its own words go back to the model and onto the card. */
export class ToolFailure extends Error {}

const TOO_SLOW = 'The tool did not answer in time.';

function textOf(result: { content?: unknown }): string {
	const parts = Array.isArray(result.content) ? (result.content as { type?: string; text?: string }[]) : [];
	return parts
		.map((part) => (part.type === 'text' ? (part.text ?? '') : `[${part.type ?? 'unknown'} content]`))
		.join('\n');
}

const cut = (text: string, max: number) =>
	text.length <= max
		? text
		: `${text.slice(0, max)}\n[The tool answered ${text.length} characters; only the first ${max} are here.]`;

/**
 * fetch that follows no redirect: a tool server is the one the operator named, never where it
 * points. Workers' fetch has no `redirect: 'error'`, so a redirect is read by hand and refused.
 */
const fetchWithoutRedirects: typeof fetch = async (input, init) => {
	const response = await fetch(input, { ...init, redirect: 'manual' });
	if (response.status >= 300 && response.status < 400) {
		await response.body?.cancel();
		throw new Error(`the tool server redirected (${response.status}), which Parley does not follow`);
	}
	return response;
};

type ToolDefinition = { name: string; description?: string; inputSchema: unknown };

// A server's tools, as it listed them, kept a minute per isolate: a reply that calls no tool then
// costs the servers nothing, and one that does opens its connection only then.
const LIST_TTL_MS = 60_000;
const listed = new Map<string, { at: number; tools: ToolDefinition[] }>();
const listKey = (server: ToolServerConfig) => `${server.id} ${server.url}`;

type Transport = 'http' | 'sse';

// The transport each server answered on: Streamable HTTP, or the older HTTP+SSE one that a server
// not yet on Streamable HTTP speaks instead, tried when it refuses the first (the fallback the
// protocol's own backwards-compatibility section describes).
const spoken = new Map<string, Transport>();

const clientOver = (server: ToolServerConfig, type: Transport, signal: AbortSignal) =>
	createMCPClient({
		transport: { type, url: server.url, headers: server.headers, fetch: fetchWithoutRedirects },
		initializationOptions: { signal }
	});

/** A refusal of Streamable HTTP's first POST (400, 404, 405): the server may speak HTTP+SSE. */
const refusedAsHttp = (error: unknown) =>
	error instanceof Error && /POSTing to endpoint \(HTTP (400|404|405)\)/.test(error.message);

async function openClient(server: ToolServerConfig, signal: AbortSignal): Promise<MCPClient> {
	const bounded = AbortSignal.any([signal, AbortSignal.timeout(server.timeoutMs)]);
	const known = spoken.get(listKey(server));
	if (known) return clientOver(server, known, bounded);
	try {
		const client = await clientOver(server, 'http', bounded);
		spoken.set(listKey(server), 'http');
		return client;
	} catch (error) {
		if (bounded.aborted || !refusedAsHttp(error)) throw error;
		const client = await clientOver(server, 'sse', bounded);
		spoken.set(listKey(server), 'sse');
		return client;
	}
}

/** One server within one reply: its tools, and a client opened on first use. */
class ServerConnection {
	readonly server: ToolServerConfig;
	readonly tools: ToolDefinition[];
	#client: Promise<MCPClient> | null;

	constructor(server: ToolServerConfig, tools: ToolDefinition[], client: MCPClient | null) {
		this.server = server;
		this.tools = tools;
		this.#client = client ? Promise.resolve(client) : null;
	}

	client(signal: AbortSignal): Promise<MCPClient> {
		this.#client ??= openClient(this.server, signal);
		return this.#client;
	}

	async close() {
		await this.#client?.then((client) => client.close()).catch(() => {});
	}
}

async function connect(server: ToolServerConfig, signal: AbortSignal, fresh = false): Promise<ServerConnection> {
	const known = fresh ? undefined : listed.get(listKey(server));
	if (known && Date.now() - known.at < LIST_TTL_MS) return new ServerConnection(server, known.tools, null);
	const client = await openClient(server, signal);
	try {
		const { tools } = await client.listTools({ options: { signal, timeout: server.timeoutMs } });
		listed.set(listKey(server), { at: Date.now(), tools });
		return new ServerConnection(server, tools, client);
	} catch (error) {
		await client.close().catch(() => {});
		throw error;
	}
}

function toolFor(connection: ServerConnection, definition: ToolDefinition, ask: AskApproval | null) {
	const { server } = connection;
	const name = `${server.id}${SEPARATOR}${definition.name}`;
	return dynamicTool({
		description: definition.description ?? definition.name,
		inputSchema: jsonSchema(definition.inputSchema as JSONSchema7),
		async execute(input, { abortSignal, toolCallId }) {
			const asked = ask ? await ask(toolCallId, name, abortSignal ?? new AbortController().signal) : 'allow';
			if (asked === 'deny') return DENIED;
			const timeout = AbortSignal.timeout(server.timeoutMs);
			const signal = AbortSignal.any([timeout, ...(abortSignal ? [abortSignal] : [])]);
			const result = await connection
				.client(signal)
				.then((client) =>
					client.callTool({
						name: definition.name,
						arguments: (input ?? {}) as Record<string, unknown>,
						options: { signal, timeout: server.timeoutMs }
					})
				)
				.catch((error: unknown) => {
					throw timeout.aborted ? new ToolFailure(TOO_SLOW) : error;
				});
			const text = textOf(result as { content?: unknown });
			if (result.isError) throw new ToolFailure(text || 'The tool reported a failure.');
			return cut(text, MODEL_RESULT_CHARS);
		}
	});
}

const connectAll = (config: ToolsConfig, signal: AbortSignal, fresh = false) =>
	Promise.all(
		config.servers.map((server) =>
			connect(server, signal, fresh).then(
				(connection) => ({ server, connection }),
				() => ({ server, connection: null })
			)
		)
	);

/** The model's name for a server's tool, if it is one a model accepts. */
function modelName(server: ToolServerConfig, tool: string): string | null {
	const name = `${server.id}${SEPARATOR}${tool}`;
	return TOOL_NAME.test(name) ? name : null;
}

/**
 * Offers the configured servers' tools (listed at once, or known from the last minute), less the
 * ones the chat switched off: the ones the operator marked safe run at once; every other one runs
 * only once `ask` says the person allowed it.
 */
export async function openToolbox(
	config: ToolsConfig,
	signal: AbortSignal,
	ask: AskApproval,
	/** Read only when there are servers: without them a reply costs no round trip for this. */
	switchedOff: () => Promise<readonly string[]>
): Promise<Toolbox | null> {
	if (!config.servers.length) return null;
	const [connected, off] = await Promise.all([connectAll(config, signal), switchedOff()]);
	const tools: ToolSet = {};
	const origins = new Map<string, ToolOrigin>();
	for (const { server, connection } of connected) {
		if (!connection) continue;
		for (const definition of connection.tools) {
			const name = modelName(server, definition.name);
			if (!name || off.includes(name)) continue;
			tools[name] = toolFor(connection, definition, server.safeTools.includes(definition.name) ? null : ask);
			origins.set(name, { server, tool: definition.name });
		}
	}
	return {
		tools,
		origin: (name) => origins.get(name),
		unavailable: connected.filter((entry) => !entry.connection).map((entry) => entry.server.label),
		async close() {
			await Promise.all(connected.map((entry) => entry.connection?.close()));
		}
	};
}

/**
 * What Chat settings lists: each server's tools, or that it did not answer. Asked afresh, not
 * from the minute's memory, so a server that went down is named as down.
 */
export async function toolCatalog(config: ToolsConfig, signal: AbortSignal): Promise<ToolServerOffer[]> {
	const connected = await connectAll(config, signal, true);
	await Promise.all(connected.map((entry) => entry.connection?.close()));
	return connected.map(({ server, connection }) => ({
		id: server.id,
		label: server.label,
		reachable: connection !== null,
		tools: (connection?.tools ?? []).flatMap((definition) => {
			const name = modelName(server, definition.name);
			return name
				? [
						{
							name,
							tool: definition.name,
							description: definition.description ?? '',
							asksFirst: !server.safeTools.includes(definition.name)
						}
					]
				: [];
		})
	}));
}
