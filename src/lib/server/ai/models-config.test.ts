import { describe, expect, it } from 'vitest';
import { parseModelsConfig } from './models-config';
import { reasoningOptions } from './registry';

describe('parseModelsConfig', () => {
	it('keeps AI_BASE_URL, AI_API_KEY and AI_MODEL working as the one-model shorthand', () => {
		const { models, defaultId } = parseModelsConfig({
			AI_BASE_URL: 'http://127.0.0.1:11434/v1',
			AI_API_KEY: 'key-1',
			AI_MODEL: 'llama3.2'
		});
		expect(models).toEqual([
			{
				id: 'llama3.2',
				provider: 'openai-compatible',
				model: 'llama3.2',
				label: 'llama3.2',
				baseURL: 'http://127.0.0.1:11434/v1',
				apiKey: 'key-1',
				contextTokens: 8192,
				maxOutputTokens: 1024
			}
		]);
		expect(defaultId).toBeUndefined();
	});

	it('lists several providers, each with its usual key or the one it names', () => {
		const { models, defaultId } = parseModelsConfig({
			AI_MODELS: JSON.stringify([
				{ id: 'gpt', provider: 'openai', model: 'gpt-4o-mini', label: 'GPT-4o mini' },
				{
					id: 'claude',
					provider: 'anthropic',
					model: 'claude-sonnet-4-5',
					contextTokens: 200000,
					maxOutputTokens: 4096
				},
				{ id: 'gemini', provider: 'google', model: 'gemini-2.5-flash' },
				{
					id: 'router',
					provider: 'openai-compatible',
					baseURL: 'https://openrouter.ai/api/v1',
					apiKeyVar: 'ROUTER_KEY'
				}
			]),
			AI_DEFAULT_MODEL: 'claude',
			OPENAI_API_KEY: 'sk-openai',
			ANTHROPIC_API_KEY: 'sk-ant',
			GOOGLE_GENERATIVE_AI_API_KEY: 'g-key',
			ROUTER_KEY: 'sk-or'
		});
		expect(models.map(({ id, provider, apiKey }) => [id, provider, apiKey])).toEqual([
			['gpt', 'openai', 'sk-openai'],
			['claude', 'anthropic', 'sk-ant'],
			['gemini', 'google', 'g-key'],
			['router', 'openai-compatible', 'sk-or']
		]);
		expect(models[0].label).toBe('GPT-4o mini');
		expect(models[1]).toMatchObject({ contextTokens: 200000, maxOutputTokens: 4096 });
		expect(models[3].model).toBe('router');
		expect(defaultId).toBe('claude');
	});

	it('puts the shorthand model first when both are set', () => {
		const { models } = parseModelsConfig({
			AI_BASE_URL: 'http://127.0.0.1:1234/v1',
			AI_MODELS: JSON.stringify([{ id: 'claude', provider: 'anthropic' }])
		});
		expect(models.map((model) => model.id)).toEqual(['gpt-4o-mini', 'claude']);
	});

	it.each([
		['a shorthand base URL that is not a URL', { AI_BASE_URL: 'localhost:11434' }, /AI_BASE_URL must be a URL/],
		['not JSON', { AI_MODELS: '[{id:' }, /not valid JSON/],
		['an unknown provider', { AI_MODELS: '[{"id":"x","provider":"mistery"}]' }, /provider/],
		[
			'an unknown field (a key in the list)',
			{ AI_MODELS: '[{"id":"x","provider":"openai","apiKey":"sk-1"}]' },
			/apiKey/
		],
		[
			'an openai-compatible model without a baseURL',
			{ AI_MODELS: '[{"id":"x","provider":"openai-compatible"}]' },
			/baseURL/
		],
		[
			'a budget with no room for the reply',
			{ AI_MODELS: '[{"id":"x","provider":"openai","contextTokens":1000,"maxOutputTokens":1000}]' },
			/smaller/
		],
		[
			'an id used twice',
			{ AI_MODELS: '[{"id":"x","provider":"openai"},{"id":"x","provider":"google"}]' },
			/used twice/
		],
		[
			'a default that is not configured',
			{ AI_MODELS: '[{"id":"x","provider":"openai"}]', AI_DEFAULT_MODEL: 'y' },
			/AI_DEFAULT_MODEL/
		]
	])('refuses %s with a message naming it', (_label, vars, message) => {
		expect(() => parseModelsConfig(vars)).toThrow(message);
	});

	it('configures nothing when no model variable is set', () => {
		expect(parseModelsConfig({})).toEqual({ models: [], defaultId: undefined });
	});

	describe('reasoning', () => {
		const entry = (fields: object) =>
			parseModelsConfig({
				AI_MODELS: JSON.stringify([
					{ id: 'm', provider: 'anthropic', contextTokens: 32000, maxOutputTokens: 8192, ...fields }
				])
			}).models[0];

		it('asks Anthropic for extended thinking with a budget, and any provider for an effort', () => {
			expect(reasoningOptions(entry({ reasoning: { budgetTokens: 4000 } }))).toEqual({
				providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 4000 } } }
			});
			expect(reasoningOptions(entry({ provider: 'google', reasoning: { budgetTokens: 2048 } }))).toEqual({
				providerOptions: { google: { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } } }
			});
			expect(
				reasoningOptions(
					entry({ provider: 'openai-compatible', baseURL: 'http://x.test/v1', reasoning: { effort: 'high' } })
				)
			).toEqual({ reasoning: 'high' });
			expect(reasoningOptions(entry({}))).toEqual({});
		});

		it('refuses a budget the reply could not hold, an unknown effort, and an empty setting', () => {
			expect(() => entry({ reasoning: { budgetTokens: 8192 } })).toThrow(/budgetTokens must be smaller/);
			expect(() => entry({ reasoning: { effort: 'extreme' } })).toThrow(/AI_MODELS/);
			expect(() => entry({ reasoning: {} })).toThrow(/needs an effort or a budgetTokens/);
		});
	});

	describe('input', () => {
		const parse = (input: unknown) =>
			parseModelsConfig({ AI_MODELS: JSON.stringify([{ id: 'm', provider: 'anthropic', input }]) }).models[0];

		it('reads images only where an entry says so', () => {
			expect(parse(['text', 'image']).images).toBe(true);
			expect(parse(['text']).images).toBeUndefined();
			expect(parse(undefined).images).toBeUndefined();
		});

		it('refuses a model that would read no text, and an unknown kind', () => {
			expect(() => parse(['image'])).toThrow(/input must include "text"/);
			expect(() => parse(['text', 'video'])).toThrow(/AI_MODELS/);
		});
	});
});
