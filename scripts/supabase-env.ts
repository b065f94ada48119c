// Which Supabase dev and tests talk to: the one the environment names, or else the local stack.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { startStack, stackEnv } from '../local-supabase/stack.ts';

export const projectRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface SupabaseTarget {
	/** Variables for the app and the tests. */
	env: Record<string, string>;
	source: 'environment' | 'local';
	/** True when this call started the local stack (it was not running before). */
	started: boolean;
}

function fileEnv(): Record<string, string> {
	const file = path.join(projectRoot, '.env');
	if (!existsSync(file)) return {};
	return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** The environment names another Supabase when it gives a URL and a key for it. */
export function namedSupabase(env: Record<string, string | undefined>): boolean {
	return Boolean(env.PUBLIC_SUPABASE_URL && (env.PUBLIC_SUPABASE_PUBLISHABLE_KEY || env.PUBLIC_SUPABASE_ANON_KEY));
}

export async function resolveSupabase(): Promise<SupabaseTarget> {
	const given = { ...fileEnv(), ...process.env } as Record<string, string>;
	if (namedSupabase(given)) return { env: {}, source: 'environment', started: false };

	const { alreadyRunning, config } = await startStack(projectRoot);
	const local = await stackEnv(config);
	return {
		source: 'local',
		started: !alreadyRunning,
		env: {
			PUBLIC_SUPABASE_URL: local.API_URL,
			PUBLIC_SUPABASE_PUBLISHABLE_KEY: local.PUBLISHABLE_KEY,
			SUPABASE_ANON_KEY: local.ANON_KEY,
			SUPABASE_SERVICE_ROLE_KEY: local.SERVICE_ROLE_KEY,
			SUPABASE_SECRET_KEY: local.SECRET_KEY,
			SUPABASE_DB_URL: local.DB_URL,
			SUPABASE_JWT_SECRET: local.JWT_SECRET,
			LOCAL_SUPABASE_AUTH_URL: local.AUTH_DIRECT_URL,
			SECURITY_KEYS: config.auth.mfa.webauthnEnroll && config.auth.mfa.webauthnVerify ? 'on' : 'off',
			...(local.MAILPIT_URL ? { MAILPIT_URL: local.MAILPIT_URL } : {})
		}
	};
}

/**
 * What the app itself may see: the project URL and the publishable key, never a secret key, and
 * whether the project takes security keys.
 */
export function appEnv(env: Record<string, string | undefined>): Record<string, string> {
	const names = ['PUBLIC_SUPABASE_URL', 'PUBLIC_SUPABASE_PUBLISHABLE_KEY', 'PUBLIC_SUPABASE_ANON_KEY', 'SECURITY_KEYS'];
	return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
}
