// Models a server offers (GET {baseURL}/models), against the fake provider's real listing over
// HTTP: offered under their entry's label, asked for at most once a minute, an unreachable server
// named in the picker while the rest still work, and Ollama under `npm run dev` when it answers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
	discover,
	discoverAll,
	DISCOVERY_TTL_MS,
	forgetDiscoveries,
	localOllama
} from '../../src/lib/server/ai/discovery.ts';
import { DEMO_MODEL_ID } from '../../src/lib/server/ai/demo-model.ts';
import { ModelRegistry } from '../../src/lib/server/ai/registry.ts';
import type { ServerEnv } from '../../src/lib/server/env.ts';
import { modelEnv } from '../support/model-env.ts';
import { FAKE_SERVER_MODELS, startFakeProvider, type FakeProvider } from '../support/fake-provider.ts';

describe('models a server offers', () => {
	let fake: FakeProvider;
	let asked: string[];
	const counting: typeof fetch = (input, init) => {
		asked.push(String(input));
		return fetch(input, init);
	};

	beforeAll(async () => {
		fake = await startFakeProvider();
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		forgetDiscoveries();
		asked = [];
	});

	const envWith = (entries: object[], defaultModel?: string): ServerEnv =>
		modelEnv({ AI_MODELS: JSON.stringify(entries), ...(defaultModel ? { AI_DEFAULT_MODEL: defaultModel } : {}) });
	const local = () => ({
		id: 'local',
		provider: 'openai-compatible',
		label: 'My server',
		baseURL: fake.url,
		discover: true
	});
	const gone = {
		id: 'gone',
		provider: 'openai-compatible',
		label: 'Gone',
		baseURL: 'http://127.0.0.1:9/v1',
		discover: true
	};
	const claude = { id: 'claude', provider: 'anthropic', label: 'Claude' };

	it('offers each listed model under the entry’s label, and calls it by its own name', async () => {
		const env = envWith([claude, local()], 'local');
		await discoverAll(env.models, counting);
		const registry = new ModelRegistry(env);
		expect(registry.options).toEqual([
			{ id: 'claude', label: 'Claude' },
			...FAKE_SERVER_MODELS.map((name) => ({ id: `local/${name}`, label: name, group: 'My server' }))
		]);
		// The entry named as the default stands for the first model its server lists.
		expect(registry.defaultId).toBe(`local/${FAKE_SERVER_MODELS[0]}`);
		const model = registry.chatModel('local/fake-small');
		expect(model).toMatchObject({ id: 'local/fake-small', provider: 'openai-compatible', label: 'fake-small' });
		expect(registry.has('local')).toBe(false);
		expect(asked).toEqual([`${fake.url}/models`]);
	});

	it('asks a server at most once a minute, and again after that', async () => {
		const entry = envWith([local()]).models[0];
		const now = Date.now();
		const [first, second] = await Promise.all([discover(entry, counting, now), discover(entry, counting, now)]);
		expect(first).toEqual({ models: FAKE_SERVER_MODELS });
		expect(second).toEqual(first);
		await discover(entry, counting, now + 1_000);
		expect(asked).toHaveLength(1);
		await discover(entry, counting, now + DISCOVERY_TTL_MS + 1_000);
		expect(asked).toHaveLength(2);
	});

	it('names a server that cannot be reached, or answers no list, and the other models still work', async () => {
		const junk = { ...local(), id: 'junk', label: 'Junk', baseURL: fake.url.replace(/\/v1$/, '/_control') };
		const env = envWith([claude, gone, junk]);
		await discoverAll(env.models, counting);
		const registry = new ModelRegistry(env);
		expect(registry.options).toEqual([
			{ id: 'claude', label: 'Claude' },
			{ id: 'gone', label: 'Gone: 127.0.0.1:9 cannot be reached', group: 'Gone', disabled: true },
			{ id: 'junk', label: `Junk: ${new URL(fake.url).host} answered 404`, group: 'Junk', disabled: true }
		]);
		expect(registry.has('gone')).toBe(false);
		expect(registry.pick('gone').config.id).toBe('claude');
	});

	it('refuses discover on an entry that is not OpenAI-compatible', () => {
		expect(() => envWith([{ ...claude, discover: true }])).toThrow(/only an openai-compatible entry can discover/);
	});

	describe('under npm run dev with no model configured', () => {
		const devEnv = (baseURL: string): ServerEnv => ({ ...envWith([claude]), models: [localOllama(baseURL)] });

		it('offers the models of the Ollama that answers, saying where they come from', async () => {
			const env = devEnv(fake.url);
			await discoverAll(env.models, counting);
			const registry = new ModelRegistry(env);
			expect(registry.options).toEqual(
				FAKE_SERVER_MODELS.map((name) => ({
					id: `ollama/${name}`,
					label: name,
					group: `Ollama at ${new URL(fake.url).host}`
				}))
			);
		});

		it('keeps the offline demo, and says nothing of Ollama, when none answers', async () => {
			const env = devEnv('http://127.0.0.1:9/v1');
			await discoverAll(env.models, counting);
			const registry = new ModelRegistry(env);
			expect(registry.options).toEqual([{ id: DEMO_MODEL_ID, label: 'Offline demo model' }]);
			expect(asked).toEqual(['http://127.0.0.1:9/v1/models']);
		});
	});
});
