// The server's environment for a set of model variables (see src/lib/server/ai/models-config.ts),
// for tests that build the model registry themselves; nothing else in it is used.
import { parseModelsConfig } from '../../src/lib/server/ai/models-config.ts';
import type { ServerEnv } from '../../src/lib/server/env.ts';

export function modelEnv(vars: Record<string, string | undefined>): ServerEnv {
	const { models, defaultId } = parseModelsConfig(vars);
	return {
		PUBLIC_SUPABASE_URL: 'http://unused.invalid',
		supabaseKey: 'unused',
		WORKERS_AI_MODEL: 'unused',
		AI_TIMEOUT_MS: 5_000,
		ATTACHMENT_MAX_FILE_MB: 10,
		ATTACHMENT_MAX_FILES: 10,
		ATTACHMENT_TEXT_CHARS: 100_000,
		SECURITY_KEYS: 'off',
		models,
		defaultModelId: defaultId,
		tools: { servers: [], maxSteps: 5 }
	};
}
