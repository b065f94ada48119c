// Which models can answer, and which one answers a given chat. The configured list comes from
// models-config.ts; with none configured, a worker with an AI binding uses Workers AI, and
// anything else the offline demo, so `npm run dev` always answers.
import type { LanguageModel, streamText } from 'ai';
import type { ServerEnv } from '../env';
import { createDemoModel, DEMO_MODEL_ID } from './demo-model';
import { discovered } from './discovery';
import { DEFAULT_CONTEXT_TOKENS, DEFAULT_MAX_OUTPUT_TOKENS, type ModelConfig } from './models-config';
import { languageModel } from './providers';

export interface ChatModel {
	model: LanguageModel;
	/** Stored on the chat and with each reply. */
	id: string;
	provider: ModelConfig['provider'];
	/** Shown in the UI, so nobody mistakes the demo for a real model. */
	label: string;
	contextTokens: number;
	maxOutputTokens: number;
	/** How the model is asked to think before answering, if it is (see reasoningOptions). */
	reasoning: ReasoningCallOptions;
	/** Images go to it as images; for a model that cannot read them they are named in the text. */
	acceptsImages: boolean;
}

type StreamTextOptions = Parameters<typeof streamText>[0];
export type ReasoningCallOptions = Pick<StreamTextOptions, 'reasoning' | 'providerOptions'>;

/**
 * The call options for a model's `reasoning` setting: an effort level goes through the AI SDK's
 * own `reasoning` option, which each provider maps to its API; a token budget is Anthropic's
 * extended thinking or Google's thinking budget. Other providers' servers decide for themselves
 * (an Ollama model that thinks, thinks), and their thinking is read whatever is set here.
 */
export function reasoningOptions(config: ModelConfig): ReasoningCallOptions {
	const wanted = config.reasoning;
	if (!wanted) return {};
	const budget = wanted.budgetTokens;
	let providerOptions: ReasoningCallOptions['providerOptions'];
	if (budget && config.provider === 'anthropic')
		providerOptions = { anthropic: { thinking: { type: 'enabled', budgetTokens: budget } } };
	else if (budget && config.provider === 'google')
		providerOptions = { google: { thinkingConfig: { thinkingBudget: budget, includeThoughts: true } } };
	return {
		...(wanted.effort ? { reasoning: wanted.effort } : {}),
		...(providerOptions ? { providerOptions } : {})
	};
}

/** What the picker shows: never a URL or a key. */
export interface ModelOption {
	id: string;
	label: string;
	/** The configured entry a discovered model came from, shown as a group of the picker. */
	group?: string;
	/** A server whose models could not be read: named, and not to be picked. */
	disabled?: boolean;
}

/**
 * A discovering entry as the models its server listed, each `entry id/model name`; none when the
 * server has not answered (yet), which the picker then names.
 */
function expand(entry: ModelConfig): { models: ModelConfig[]; unreachable?: ModelOption } {
	if (!entry.discover) return { models: [entry] };
	const found = discovered(entry);
	if (found && 'models' in found) {
		const models = found.models.map((name) => ({
			...entry,
			discover: false,
			id: `${entry.id}/${name}`,
			model: name,
			label: name,
			group: entry.label
		}));
		return { models };
	}
	if (entry.optional) return { models: [] };
	const why = found && 'error' in found ? found.error : 'not asked yet';
	return {
		models: [],
		unreachable: { id: entry.id, label: `${entry.label}: ${why}`, group: entry.label, disabled: true }
	};
}

export interface ModelChoice {
	config: ModelConfig;
	/** Set when the chat asked for a model that is no longer configured. */
	unavailable: string | null;
}

const DEMO: ModelConfig = {
	id: DEMO_MODEL_ID,
	provider: 'demo',
	model: DEMO_MODEL_ID,
	label: 'Offline demo model',
	contextTokens: DEFAULT_CONTEXT_TOKENS,
	maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS,
	// It reads nothing, but says what it was given, so attaching can be tried without a model.
	images: true
};

export class ModelRegistry {
	readonly models: ModelConfig[];
	readonly defaultId: string;
	/** Servers whose models could not be read, as the picker names them. */
	readonly unreachable: ModelOption[];
	readonly #platformEnv: App.Platform['env'] | undefined;

	constructor(env: ServerEnv, platformEnv?: App.Platform['env']) {
		this.#platformEnv = platformEnv;
		const expanded = env.models
			.filter((model) => model.provider !== 'workers-ai' || platformEnv?.AI)
			.map((model) => expand(model));
		this.unreachable = expanded.flatMap(({ unreachable }) => (unreachable ? [unreachable] : []));
		const configured = expanded.flatMap(({ models }) => models);
		if (configured.length) this.models = configured;
		else if (platformEnv?.AI) {
			const id = env.WORKERS_AI_MODEL;
			this.models = [
				{
					id,
					provider: 'workers-ai',
					model: id,
					label: `${id} (Workers AI)`,
					contextTokens: DEFAULT_CONTEXT_TOKENS,
					maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS
				}
			];
		} else this.models = [DEMO];
		// A discovering entry named as the default stands for the first model its server lists.
		const named = env.defaultModelId;
		const wanted = named
			? this.models.find((model) => model.id === named || model.id.startsWith(`${named}/`))?.id
			: undefined;
		this.defaultId = wanted && this.models.some((model) => model.id === wanted) ? wanted : this.models[0].id;
	}

	get options(): ModelOption[] {
		return [
			...this.models.map(({ id, label, group }) => (group ? { id, label, group } : { id, label })),
			...this.unreachable
		];
	}

	has(id: string): boolean {
		return this.models.some((model) => model.id === id);
	}

	/** The model for a chat: its own when still configured, else the default, saying so. */
	pick(requested: string | null | undefined): ModelChoice {
		const config = this.models.find((model) => model.id === requested);
		const chosen = config ?? this.models.find((model) => model.id === this.defaultId) ?? this.models[0];
		return { config: chosen, unavailable: requested && !config ? requested : null };
	}

	/** The model that answers a chat, ready to call. */
	chatModel(requested: string | null | undefined): ChatModel {
		return this.#instantiate(this.pick(requested).config);
	}

	#instantiate(config: ModelConfig): ChatModel {
		return {
			model: config.provider === 'demo' ? createDemoModel() : languageModel(config, this.#platformEnv),
			id: config.id,
			provider: config.provider,
			label: config.label,
			contextTokens: config.contextTokens,
			maxOutputTokens: config.maxOutputTokens,
			reasoning: reasoningOptions(config),
			acceptsImages: config.images === true
		};
	}
}

export function modelRegistry(env: ServerEnv, platformEnv?: App.Platform['env']): ModelRegistry {
	return new ModelRegistry(env, platformEnv);
}
