// A reply's tools: the operator's Model Context Protocol servers, reached through the AI SDK's MCP
// client (Streamable HTTP), each bounded by its own timeout. A server that does not answer is left
// out, and named, and the reply goes on without its tools.
import { createMCPClient, type MCPClient } from '@ai-sdk/mcp';
import { dynamicTool, jsonSchema, type JSONSchema7, type ToolSet } from 'ai';
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

async function connect(server: ToolServerConfig, signal: AbortSignal) {
	const client = await createMCPClient({
		transport: { type: 'http', url: server.url, headers: server.headers, fetch: fetchWithoutRedirects },
		initializationOptions: { signal: AbortSignal.any([signal, AbortSignal.timeout(server.timeoutMs)]) }
	});
	try {
		const { tools } = await client.listTools({ options: { signal, timeout: server.timeoutMs } });
		return { client, tools };
	} catch (error) {
		await client.close().catch(() => {});
		throw error;
	}
}

function toolFor(
	client: MCPClient,
	server: ToolServerConfig,
	definition: { name: string; description?: string; inputSchema: unknown },
	ask: AskApproval | null
) {
	const name = `${server.id}${SEPARATOR}${definition.name}`;
	return dynamicTool({
		description: definition.description ?? definition.name,
		inputSchema: jsonSchema(definition.inputSchema as JSONSchema7),
		async execute(input, { abortSignal, toolCallId }) {
			const asked = ask ? await ask(toolCallId, name, abortSignal ?? new AbortController().signal) : 'allow';
			if (asked === 'deny') return DENIED;
			const timeout = AbortSignal.timeout(server.timeoutMs);
			const signal = AbortSignal.any([timeout, ...(abortSignal ? [abortSignal] : [])]);
			const result = await client
				.callTool({
					name: definition.name,
					arguments: (input ?? {}) as Record<string, unknown>,
					options: { signal, timeout: server.timeoutMs }
				})
				.catch((error: unknown) => {
					throw timeout.aborted ? new ToolFailure(TOO_SLOW) : error;
				});
			const text = textOf(result as { content?: unknown });
			if (result.isError) throw new ToolFailure(text || 'The tool reported a failure.');
			return cut(text, MODEL_RESULT_CHARS);
		}
	});
}

/**
 * Connects to every configured server at once and offers their tools: the ones the operator marked
 * safe run at once; every other one runs only once `ask` says the person allowed it.
 */
export async function openToolbox(config: ToolsConfig, signal: AbortSignal, ask: AskApproval): Promise<Toolbox | null> {
	if (!config.servers.length) return null;
	const connected = await Promise.all(
		config.servers.map((server) =>
			connect(server, signal).then(
				(value) => ({ server, ...value }),
				() => ({ server, client: null, tools: [] })
			)
		)
	);
	const tools: ToolSet = {};
	const origins = new Map<string, ToolOrigin>();
	for (const { server, client, tools: definitions } of connected) {
		if (!client) continue;
		for (const definition of definitions) {
			const name = `${server.id}${SEPARATOR}${definition.name}`;
			if (!TOOL_NAME.test(name)) continue;
			tools[name] = toolFor(client, server, definition, server.safeTools.includes(definition.name) ? null : ask);
			origins.set(name, { server, tool: definition.name });
		}
	}
	return {
		tools,
		origin: (name) => origins.get(name),
		unavailable: connected.filter((entry) => !entry.client).map((entry) => entry.server.label),
		async close() {
			await Promise.all(connected.map((entry) => entry.client?.close().catch(() => {})));
		}
	};
}
