// One AI SDK provider per kind of configured model. Each is created per call from plain
// configuration, so no provider object (or key) outlives the request that used it.
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

export function createLanguageModel(config: ModelConfig, platformEnv?: App.Platform['env']): LanguageModel {
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
