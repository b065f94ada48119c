// Brings up the Supabase the tests run against (see scripts/supabase-env.ts) and hands its
// variables to the test files through vitest's provide/inject.
import type { TestProject } from 'vitest/node';
import { stopStack } from '../../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../../scripts/supabase-env.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		supabaseEnv: Record<string, string>;
	}
}

export default async function setup(project: TestProject) {
	const target = await resolveSupabase();
	project.provide('supabaseEnv', { ...pick(process.env), ...target.env });
	return async () => {
		if (target.started) await stopStack(projectRoot);
	};
}

function pick(env: NodeJS.ProcessEnv): Record<string, string> {
	const names = [
		'PUBLIC_SUPABASE_URL',
		'PUBLIC_SUPABASE_PUBLISHABLE_KEY',
		'PUBLIC_SUPABASE_ANON_KEY',
		'SUPABASE_ANON_KEY',
		'SUPABASE_SERVICE_ROLE_KEY',
		'SUPABASE_SECRET_KEY',
		'SUPABASE_DB_URL',
		'SUPABASE_JWT_SECRET',
		'MAILPIT_URL',
		'LOCAL_SUPABASE_AUTH_URL'
	];
	return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
}
