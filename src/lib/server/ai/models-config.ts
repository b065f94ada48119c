// The models an operator configures, parsed once from the environment.
//
//   AI_MODELS          a JSON array, one object per model (see the README), e.g.
//                      [{"id":"gpt-4o-mini","provider":"openai"},
//                       {"id":"claude","provider":"anthropic","model":"claude-sonnet-4-5"}]
//   AI_BASE_URL, AI_API_KEY, AI_MODEL
//                      the one-model shorthand for an OpenAI-compatible API; kept so deployments
//                      that set only these go on working. It joins the list first when set.
//   AI_DEFAULT_MODEL   the id picked for a new chat; else the first model. An entry that
//                      discovers its server's models stands for the first of them.
//
// Keys never sit in AI_MODELS (a plain var): each provider reads its usual secret
// (OPENAI_API_KEY, ANTHROPIC_API_KEY, GOOGLE_GENERATIVE_AI_API_KEY), or the secret a model names
// in `apiKeyVar`.
import { z } from 'zod';

export const PROVIDERS = ['openai-compatible', 'openai', 'anthropic', 'google', 'workers-ai'] as const;
/** `demo` is the offline model, used only when nothing else is configured. */
export type ProviderName = (typeof PROVIDERS)[number] | 'demo';

const DEFAULT_KEY_VARS: Partial<Record<ProviderName, string>> = {
	openai: 'OPENAI_API_KEY',
	anthropic: 'ANTHROPIC_API_KEY',
	google: 'GOOGLE_GENERATIVE_AI_API_KEY'
};

/** Token budgets when a model does not state its own: small enough for a local 8k model. */
export const DEFAULT_CONTEXT_TOKENS = 8192;
export const DEFAULT_MAX_OUTPUT_TOKENS = 1024;

export const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;

export interface ReasoningConfig {
	effort?: (typeof REASONING_EFFORTS)[number];
	budgetTokens?: number;
}

const entrySchema = z
	.object({
		/** What the picker and the database know the model by. */
		id: z.string().trim().min(1).max(200),
		provider: z.enum(PROVIDERS),
		/** The provider's own model name; defaults to id. */
		model: z.string().trim().min(1).optional(),
		label: z.string().trim().min(1).max(100).optional(),
		baseURL: z.url({ protocol: /^https?$/ }).optional(),
		/** The name of the variable (a secret) that holds this model's API key. */
		apiKeyVar: z
			.string()
			.regex(/^[A-Z_][A-Z0-9_]*$/)
			.optional(),
		contextTokens: z.number().int().min(512).default(DEFAULT_CONTEXT_TOKENS),
		maxOutputTokens: z.number().int().min(16).default(DEFAULT_MAX_OUTPUT_TOKENS),
		/** Thinking before answering, for models that can: an effort level, or (Anthropic, Google) a token budget. */
		reasoning: z
			.object({
				effort: z.enum(REASONING_EFFORTS).optional(),
				budgetTokens: z.number().int().min(1024).optional()
			})
			.strict()
			.refine((reasoning) => reasoning.effort || reasoning.budgetTokens, {
				error: 'reasoning needs an effort or a budgetTokens'
			})
			.optional(),
		/** An openai-compatible server's own list of models (GET {baseURL}/models), offered under this entry's label. */
		discover: z.boolean().optional(),
		/** What the model reads: text only unless it says images too (attached documents are text). */
		input: z
			.array(z.enum(['text', 'image']))
			.refine((kinds) => kinds.includes('text'), { error: 'input must include "text"' })
			.optional()
	})
	.strict()
	.refine((entry) => entry.provider !== 'openai-compatible' || entry.baseURL, {
		error: 'an openai-compatible model needs a baseURL'
	})
	.refine((entry) => !entry.discover || entry.provider === 'openai-compatible', {
		error: 'only an openai-compatible entry can discover its models'
	})
	.refine((entry) => entry.maxOutputTokens < entry.contextTokens, {
		error: 'maxOutputTokens must be smaller than contextTokens'
	})
	.refine((entry) => !entry.reasoning?.budgetTokens || entry.reasoning.budgetTokens < entry.maxOutputTokens, {
		error: 'reasoning.budgetTokens must be smaller than maxOutputTokens, which includes it'
	});

export interface ModelConfig {
	id: string;
	provider: ProviderName;
	/** The name the provider's API takes. */
	model: string;
	label: string;
	baseURL?: string;
	apiKey?: string;
	contextTokens: number;
	maxOutputTokens: number;
	reasoning?: ReasoningConfig;
	/** Stands for the models its server lists (see discovery.ts), not for one model. */
	discover?: boolean;
	/** Where a discovered model came from: its entry's label, which the picker groups it under. */
	group?: string;
	/** A server looked for without being configured (Ollama under `npm run dev`): when it is not there, nothing is said. */
	optional?: boolean;
	/** Takes images as input (`"input": ["text", "image"]`); text only by default. */
	images?: boolean;
}

export interface ModelsConfig {
	models: ModelConfig[];
	/** Set only when AI_DEFAULT_MODEL names a configured model. */
	defaultId?: string;
}

type Vars = Record<string, string | undefined>;

const blank = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** Parses the model settings; throws a message naming the bad entry, so a deploy fails clearly. */
export function parseModelsConfig(vars: Vars): ModelsConfig {
	const models: ModelConfig[] = [];
	const baseURL = blank(vars.AI_BASE_URL);
	if (baseURL) {
		if (!z.url({ protocol: /^https?$/ }).safeParse(baseURL).success)
			throw new Error('AI_BASE_URL must be a URL, such as http://127.0.0.1:11434/v1');
		const id = blank(vars.AI_MODEL) ?? 'gpt-4o-mini';
		models.push({
			id,
			provider: 'openai-compatible',
			model: id,
			label: id,
			baseURL,
			apiKey: blank(vars.AI_API_KEY),
			contextTokens: DEFAULT_CONTEXT_TOKENS,
			maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS
		});
	}

	const listed = blank(vars.AI_MODELS);
	if (listed) {
		let json: unknown;
		try {
			json = JSON.parse(listed);
		} catch {
			throw new Error('AI_MODELS is not valid JSON: it must be an array of model objects');
		}
		const parsed = z.array(entrySchema).min(1).safeParse(json);
		if (!parsed.success) throw new Error(`AI_MODELS: ${z.prettifyError(parsed.error)}`);
		for (const entry of parsed.data) {
			if (models.some((model) => model.id === entry.id)) {
				throw new Error(`AI_MODELS: the id "${entry.id}" is used twice`);
			}
			const keyVar = entry.apiKeyVar ?? DEFAULT_KEY_VARS[entry.provider];
			models.push({
				id: entry.id,
				provider: entry.provider,
				model: entry.model ?? entry.id,
				label: entry.label ?? entry.id,
				baseURL: entry.baseURL,
				apiKey: keyVar ? blank(vars[keyVar]) : undefined,
				contextTokens: entry.contextTokens,
				maxOutputTokens: entry.maxOutputTokens,
				...(entry.reasoning ? { reasoning: entry.reasoning } : {}),
				...(entry.discover ? { discover: true } : {}),
				...(entry.input?.includes('image') ? { images: true } : {})
			});
		}
	}

	const wanted = blank(vars.AI_DEFAULT_MODEL);
	if (wanted && !models.some((model) => model.id === wanted)) {
		throw new Error(`AI_DEFAULT_MODEL names "${wanted}", which is not among the configured models`);
	}
	return { models, defaultId: wanted };
}
