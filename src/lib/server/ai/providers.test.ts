import { describe, expect, it } from 'vitest';
import type { ModelConfig } from './models-config';
import { languageModel } from './providers';

const config: ModelConfig = {
	id: 'llama',
	provider: 'openai-compatible',
	model: 'llama3.2',
	label: 'Llama',
	baseURL: 'http://127.0.0.1:11434/v1',
	apiKey: 'key-1',
	contextTokens: 8192,
	maxOutputTokens: 1024
};

describe('languageModel', () => {
	it('builds a model once for what it is built from, whatever the entry is called', () => {
		const first = languageModel(config);
		expect(languageModel({ ...config })).toBe(first);
		expect(languageModel({ ...config, id: 'other', label: 'Other', contextTokens: 4096 })).toBe(first);
	});

	it('builds another for another key, server, model or provider', () => {
		const first = languageModel(config);
		for (const other of [
			{ ...config, apiKey: 'key-2' },
			{ ...config, apiKey: undefined },
			{ ...config, baseURL: 'http://127.0.0.1:8080/v1' },
			{ ...config, model: 'qwen3' },
			{ ...config, provider: 'openai' as const }
		]) {
			const model = languageModel(other);
			expect(model).not.toBe(first);
			expect(languageModel({ ...other })).toBe(model);
		}
	});

	it('builds a Workers AI model each time: it holds the binding it was given', () => {
		const binding = { run: async () => ({}) };
		const workersAi: ModelConfig = { ...config, provider: 'workers-ai', baseURL: undefined, apiKey: undefined };
		const env = { AI: binding } as unknown as App.Platform['env'];
		expect(languageModel(workersAi, env)).not.toBe(languageModel(workersAi, env));
	});
});
