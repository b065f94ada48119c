// Which model answers. Chosen from configuration, in this order: an OpenAI-compatible API when
// AI_BASE_URL is set, Workers AI when the worker has an AI binding, else the offline demo.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import { createWorkersAI } from 'workers-ai-provider';
import type { ServerEnv } from '../env';
import { createDemoModel, DEMO_MODEL_ID } from './demo-model';

export interface ChatModel {
	model: LanguageModel;
	/** Stored with each reply. */
	id: string;
	provider: 'openai-compatible' | 'workers-ai' | 'demo';
	/** Shown in the UI, so nobody mistakes the demo for a real model. */
	label: string;
}

export function resolveChatModel(env: ServerEnv, platformEnv?: App.Platform['env']): ChatModel {
	if (env.AI_BASE_URL) {
		const id = env.AI_MODEL ?? 'gpt-4o-mini';
		const provider = createOpenAICompatible({
			name: 'openai-compatible',
			baseURL: env.AI_BASE_URL,
			apiKey: env.AI_API_KEY
		});
		return { model: provider.chatModel(id), id, provider: 'openai-compatible', label: id };
	}
	if (platformEnv?.AI) {
		const id = env.WORKERS_AI_MODEL;
		const workersAi = createWorkersAI({ binding: platformEnv.AI });
		return { model: workersAi(id), id, provider: 'workers-ai', label: `${id} (Workers AI)` };
	}
	return { model: createDemoModel(), id: DEMO_MODEL_ID, provider: 'demo', label: 'Offline demo model' };
}
