// The environment, parsed once into typed values. Under vite dev the variables come from
// process.env (scripts/dev.ts fills in the local stack's); on Workers they come from the
// worker's vars and secrets, which SvelteKit copies into $env/dynamic on the first request.
import { env as privateEnv } from '$env/dynamic/private';
import { env as publicEnv } from '$env/dynamic/public';
import { dev } from '$app/environment';
import { z } from 'zod';
import { localOllama } from './ai/discovery';
import { parseModelsConfig, type ModelConfig } from './ai/models-config';
import { parseToolsConfig, type ToolsConfig } from './tools/config';

const optional = z
	.string()
	.trim()
	.transform((value) => value || undefined)
	.optional();

const schema = z.object({
	PUBLIC_SUPABASE_URL: z.url({ error: 'PUBLIC_SUPABASE_URL must be the URL of a Supabase project' }),
	PUBLIC_SUPABASE_PUBLISHABLE_KEY: optional,
	PUBLIC_SUPABASE_ANON_KEY: optional,
	// The model settings (AI_BASE_URL, AI_API_KEY, AI_MODEL, AI_MODELS, AI_DEFAULT_MODEL and the
	// providers' keys) are parsed by ai/models-config.ts, into `models` below.
	/** The Workers AI model used when the worker has an AI binding and no model is configured. */
	WORKERS_AI_MODEL: z.string().trim().default('@cf/meta/llama-3.1-8b-instruct'),
	AI_SYSTEM_PROMPT: optional,
	/** How long a whole reply may take; a reply still unfinished then is stopped and kept as failed. */
	AI_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
	/** Files in chats (see attachments/limits.ts): size per file, files per message, accepted types. */
	ATTACHMENT_MAX_FILE_MB: z.coerce.number().positive().max(50).default(10),
	ATTACHMENT_MAX_FILES: z.coerce.number().int().min(0).max(50).default(10),
	ATTACHMENT_TYPES: optional,
	/** The most of a document's text the model reads; the rest is cut, and the page says so. */
	ATTACHMENT_TEXT_CHARS: z.coerce.number().int().min(1000).default(100_000),
	/**
	 * "on" offers security keys as a second factor (Account, and the sign-in's second step). The
	 * Supabase project must have them on too ([auth.mfa.web_authn] in config.toml); the local
	 * stack's setting is passed on by scripts/supabase-env.ts.
	 */
	SECURITY_KEYS: z.enum(['on', 'off']).default('off'),
	/** Where `npm run dev` looks for Ollama when no model is configured. */
	OLLAMA_URL: z.url().default('http://127.0.0.1:11434/v1')
});

export type ServerEnv = Omit<z.infer<typeof schema>, 'OLLAMA_URL'> & {
	OLLAMA_URL?: string;
	supabaseKey: string;
	/** Every configured model, keys resolved; empty when none is (then Workers AI or the demo). */
	models: ModelConfig[];
	defaultModelId?: string;
	/** The operator's tool servers (MCP_SERVERS) and step limit. */
	tools: ToolsConfig;
};

let parsed: ServerEnv | undefined;

export function serverEnv(): ServerEnv {
	if (parsed) return parsed;
	const vars = { ...privateEnv, ...publicEnv };
	const result = schema.safeParse(vars);
	if (!result.success) throw new Error(`Invalid configuration: ${z.prettifyError(result.error)}`);
	const supabaseKey = result.data.PUBLIC_SUPABASE_PUBLISHABLE_KEY ?? result.data.PUBLIC_SUPABASE_ANON_KEY;
	if (!supabaseKey) {
		throw new Error('Invalid configuration: set PUBLIC_SUPABASE_PUBLISHABLE_KEY (or PUBLIC_SUPABASE_ANON_KEY)');
	}
	let models;
	let tools;
	try {
		models = parseModelsConfig(vars);
		tools = parseToolsConfig(vars);
	} catch (error) {
		throw new Error(`Invalid configuration: ${(error as Error).message}`, { cause: error });
	}
	const configured = models.models.length || !dev ? models.models : [localOllama(result.data.OLLAMA_URL)];
	parsed = { ...result.data, supabaseKey, models: configured, defaultModelId: models.defaultId, tools };
	return parsed;
}
