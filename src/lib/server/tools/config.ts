// The tool servers an operator configures (Model Context Protocol), parsed once from the
// environment. Only these servers are ever contacted: a person cannot add one.
//
//   MCP_SERVERS     a JSON array, e.g.
//                   [{"id":"notes","label":"Notes","url":"https://notes.example/mcp",
//                     "headerVars":{"Authorization":"NOTES_MCP_TOKEN"},"safeTools":["search"],
//                     "timeoutMs":20000}]
//   MCP_MAX_STEPS   how many model steps a reply may take with tools (default 5)
//
// Header values never sit in the JSON (a plain var): `headerVars` names the secret that holds each.
import { z } from 'zod';

export interface ToolServerConfig {
	id: string;
	label: string;
	url: string;
	/** Sent with every request to the server, values resolved from their variables. */
	headers: Record<string, string>;
	/** Tools that run without asking; the others wait for the person's approval. */
	safeTools: string[];
	/** The longest one call to this server may take, connecting included. */
	timeoutMs: number;
}

export interface ToolsConfig {
	servers: ToolServerConfig[];
	maxSteps: number;
	/** How long a call that needs the person's approval waits for it; then the reply stops. */
	approvalTimeoutMs?: number;
}

export const APPROVAL_TIMEOUT_MS = 10 * 60_000;

export const DEFAULT_MAX_STEPS = 5;
const DEFAULT_TIMEOUT_MS = 20_000;

const serverSchema = z
	.object({
		// Part of each tool's name as the model sees it (`notes__search`), so short and plain.
		id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,23}$/, 'an id is up to 24 lowercase letters, digits and hyphens'),
		label: z.string().trim().min(1).max(60),
		url: z.url({ protocol: /^https?$/ }),
		headerVars: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string().regex(/^[A-Z_][A-Z0-9_]*$/)).default({}),
		safeTools: z.array(z.string().min(1).max(64)).default([]),
		timeoutMs: z.number().int().min(1000).max(300_000).default(DEFAULT_TIMEOUT_MS)
	})
	.strict();

const stepsSchema = z.coerce.number().int().min(1).max(20).default(DEFAULT_MAX_STEPS);

/** Parses MCP_SERVERS and MCP_MAX_STEPS; throws with what is wrong, naming the variable. */
export function parseToolsConfig(vars: Record<string, string | undefined>): ToolsConfig {
	const steps = stepsSchema.safeParse(vars.MCP_MAX_STEPS?.trim() || undefined);
	if (!steps.success) throw new Error('MCP_MAX_STEPS must be a whole number from 1 to 20');
	const raw = vars.MCP_SERVERS?.trim();
	if (!raw) return { servers: [], maxSteps: steps.data };
	let json: unknown;
	try {
		json = JSON.parse(raw);
	} catch {
		throw new Error('MCP_SERVERS is not valid JSON');
	}
	const parsed = z.array(serverSchema).safeParse(json);
	if (!parsed.success) throw new Error(`MCP_SERVERS: ${z.prettifyError(parsed.error)}`);
	const servers = parsed.data.map((entry): ToolServerConfig => {
		const headers: Record<string, string> = {};
		for (const [header, variable] of Object.entries(entry.headerVars)) {
			const value = vars[variable]?.trim();
			if (!value) throw new Error(`MCP_SERVERS: ${entry.id} sends ${header} from ${variable}, which is not set`);
			headers[header] = value;
		}
		return {
			id: entry.id,
			label: entry.label,
			url: entry.url,
			headers,
			safeTools: entry.safeTools,
			timeoutMs: entry.timeoutMs
		};
	});
	const ids = servers.map((server) => server.id);
	const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
	if (repeated) throw new Error(`MCP_SERVERS: the id ${repeated} is used twice`);
	return { servers, maxSteps: steps.data };
}
