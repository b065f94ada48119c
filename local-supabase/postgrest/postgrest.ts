// The real PostgREST 12 binary (see binary.ts for which one).
import type { ChildProcess } from 'node:child_process';
import type { StackConfig } from '../config.ts';
import { postgrestJwks, type SigningKey } from '../keys.ts';
import { httpOk, logFile, spawnLogged, waitUntil } from '../processes.ts';
import { findPostgrest } from './binary.ts';

export async function startPostgrest(config: StackConfig, keys: SigningKey[]): Promise<ChildProcess> {
	const env = {
		PATH: process.env.PATH ?? '',
		PGRST_DB_URI: `postgresql://authenticator:postgres@127.0.0.1:${config.ports.db}/postgres`,
		PGRST_DB_SCHEMAS: config.api.schemas.join(','),
		PGRST_DB_EXTRA_SEARCH_PATH: config.api.extraSearchPath.join(','),
		PGRST_DB_ANON_ROLE: 'anon',
		PGRST_DB_MAX_ROWS: String(config.api.maxRows),
		PGRST_DB_USE_LEGACY_GUCS: 'false',
		PGRST_DB_CHANNEL_ENABLED: 'true',
		PGRST_JWT_SECRET: postgrestJwks(keys, config.auth.jwtSecret),
		PGRST_SERVER_HOST: '127.0.0.1',
		PGRST_SERVER_PORT: String(config.ports.rest),
		PGRST_ADMIN_SERVER_PORT: String(config.ports.restAdmin)
	};
	const child = spawnLogged(config.dataDir, 'postgrest', findPostgrest(), [], { env });
	await waitUntil('PostgREST', () => httpOk(`http://127.0.0.1:${config.ports.restAdmin}/ready`), {
		child,
		logPath: logFile(config.dataDir, 'postgrest')
	});
	return child;
}
