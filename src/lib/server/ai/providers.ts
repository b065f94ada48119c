// One AI SDK provider per kind of configured model, built from plain configuration.
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { extractReasoningMiddleware, wrapLanguageModel, type LanguageModel } from 'ai';
import { createWorkersAI } from 'workers-ai-provider';
import type { ModelConfig } from './models-config';

// Models served by Ollama, llama.cpp and their kin (DeepSeek-R1, Qwen3) write their thinking into
// the text between <think> tags; this moves it to the reply's reasoning, as a server that sends
// `reasoning_content` (DeepSeek's API, vLLM, OpenRouter) does by itself.
const thinkTags = (model: LanguageModel) =>
	typeof model === 'string'
		? model
		: wrapLanguageModel({ model, middleware: extractReasoningMiddleware({ tagName: 'think' }) });

/**
 * A new model costs a reply more than its words do: the AI SDK makes its chunk schemas, and zod
 * readies them on their first parse (`npm run bench:model-calls`: 1.6–2.0 ms of CPU for a short
 * reply with a model built for it, 0.8–1.1 ms with one kept). So the isolate keeps what it built,
 * by everything it was built from. A model holds configuration only, the operator's key among
 * it, as the isolate's env already does; nothing of a request or a person. A Workers AI model
 * holds the binding it was handed, and is built each time.
 */
const built = new Map<string, LanguageModel>();
const BUILT_MAX = 64;

export function languageModel(config: ModelConfig, platformEnv?: App.Platform['env']): LanguageModel {
	if (config.provider === 'workers-ai') return createLanguageModel(config, platformEnv);
	const key = JSON.stringify([config.provider, config.baseURL ?? null, config.apiKey ?? null, config.model]);
	let model = built.get(key);
	if (!model) {
		model = createLanguageModel(config, platformEnv);
		if (built.size >= BUILT_MAX) built.delete(built.keys().next().value!);
		built.set(key, model);
	}
	return model;
}

function createLanguageModel(config: ModelConfig, platformEnv?: App.Platform['env']): LanguageModel {
	const { baseURL, apiKey, model } = config;
	switch (config.provider) {
		case 'openai-compatible':
			return thinkTags(
				createOpenAICompatible({ name: 'openai-compatible', baseURL: baseURL!, apiKey }).chatModel(model)
			);
		case 'openai':
			// The Chat Completions API: the same wire format as every OpenAI-compatible server.
			return createOpenAI({ baseURL, apiKey }).chat(model);
		case 'anthropic':
			return createAnthropic({ baseURL, apiKey })(model);
		case 'google':
			return createGoogleGenerativeAI({ baseURL, apiKey })(model);
		case 'workers-ai':
			if (!platformEnv?.AI) throw new Error(`model ${config.id} needs the worker's AI binding`);
			return thinkTags(
				createWorkersAI({ binding: platformEnv.AI })(model as Parameters<ReturnType<typeof createWorkersAI>>[0])
			);
		case 'demo':
			throw new Error('the demo model is built by the registry');
	}
}
