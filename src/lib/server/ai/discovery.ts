// The models an OpenAI-compatible server offers, read from its `GET {baseURL}/models` (Ollama,
// LM Studio, vLLM, OpenRouter and llama.cpp all answer it) for a model entry with
// `"discover": true`. The list is kept for a minute per server, so a page view costs the server
// at most one request a minute; an unreachable server is remembered as such for as long.
import { z } from 'zod';
import { DEFAULT_CONTEXT_TOKENS, DEFAULT_MAX_OUTPUT_TOKENS, type ModelConfig } from './models-config';

export const DISCOVERY_TTL_MS = 60_000;
const DISCOVERY_TIMEOUT_MS = 3_000;
// A server listing thousands of models (OpenRouter) would make a picker no one can use.
const MAX_DISCOVERED = 200;

export type Discovery = { models: string[] } | { error: string };

const listing = z.object({ data: z.array(z.object({ id: z.string().trim().min(1).max(200) })) });

const known = new Map<string, { at: number; discovery: Discovery }>();
const pending = new Map<string, Promise<Discovery>>();

const keyOf = (entry: ModelConfig) => `${entry.baseURL}\n${entry.apiKey ?? ''}`;

async function fetchModels(entry: ModelConfig, fetcher: typeof fetch): Promise<Discovery> {
	const host = new URL(entry.baseURL!).host;
	try {
		const response = await fetcher(`${entry.baseURL!.replace(/\/$/, '')}/models`, {
			headers: entry.apiKey ? { authorization: `Bearer ${entry.apiKey}` } : {},
			signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS)
		});
		if (!response.ok) return { error: `${host} answered ${response.status}` };
		const parsed = listing.safeParse(await response.json());
		if (!parsed.success) return { error: `${host} sent no model list` };
		const ids = [...new Set(parsed.data.data.map((model) => model.id))].sort();
		return ids.length ? { models: ids.slice(0, MAX_DISCOVERED) } : { error: `${host} offers no models` };
	} catch {
		return { error: `${host} cannot be reached` };
	}
}

/** What the entry's server offers, from the last minute's answer or a new request. */
export function discover(entry: ModelConfig, fetcher: typeof fetch = fetch, now = Date.now()): Promise<Discovery> {
	const key = keyOf(entry);
	const fresh = known.get(key);
	if (fresh && now - fresh.at < DISCOVERY_TTL_MS) return Promise.resolve(fresh.discovery);
	let request = pending.get(key);
	if (!request) {
		request = fetchModels(entry, fetcher).then((discovery) => {
			known.set(key, { at: Date.now(), discovery });
			pending.delete(key);
			return discovery;
		});
		pending.set(key, request);
	}
	return request;
}

/** The last answer for the entry's server, if any: what the registry, which is synchronous, reads. */
export function discovered(entry: ModelConfig): Discovery | undefined {
	return known.get(keyOf(entry))?.discovery;
}

/** Reads every discovering entry's server (at most once a minute each) before the registry is built. */
export async function discoverAll(models: ModelConfig[], fetcher: typeof fetch = fetch): Promise<void> {
	await Promise.all(models.filter((model) => model.discover).map((model) => discover(model, fetcher)));
}

/** Forgets every answer (tests). */
export function forgetDiscoveries(): void {
	known.clear();
	pending.clear();
}

/**
 * Under `npm run dev` with no model configured, the models of an Ollama server on this machine, if
 * one answers; the offline demo otherwise, without a word about Ollama.
 */
export const localOllama = (baseURL: string): ModelConfig => ({
	id: 'ollama',
	provider: 'openai-compatible',
	model: 'ollama',
	label: `Ollama at ${new URL(baseURL).host}`,
	baseURL,
	contextTokens: DEFAULT_CONTEXT_TOKENS,
	maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS,
	discover: true,
	optional: true
});
