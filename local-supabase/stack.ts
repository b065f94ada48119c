// start, stop, status and reset of the whole local stack; used by cli.ts, `npm run dev` and tests.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dbUrl, loadStackConfig, type StackConfig } from './config.ts';
import { deriveApiKeys } from './keys.ts';
import { pgDataDir, postgresAnswers } from './postgres/cluster.ts';
import { findPostgrest } from './postgrest/binary.ts';
import { httpOk, isAlive, logFile, portInUse, sleep } from './processes.ts';
import { COMPONENT_LABELS, type ComponentName, clearState, readState } from './state.ts';

export interface StackEnv {
	API_URL: string;
	REST_URL: string;
	DB_URL: string;
	ANON_KEY: string;
	SERVICE_ROLE_KEY: string;
	PUBLISHABLE_KEY: string;
	SECRET_KEY: string;
	JWT_SECRET: string;
	/** The auth server's own port, for counting its requests in tests and benches. */
	AUTH_DIRECT_URL: string;
	/** The mail outbox, as `supabase status` names Mailpit; absent when [local_smtp] is off. */
	MAILPIT_URL?: string;
	/** Storage through the gateway, as `supabase status` prints it; absent when [storage] is off. */
	STORAGE_URL?: string;
}

export async function stackEnv(config: StackConfig): Promise<StackEnv> {
	const keys = await deriveApiKeys(config.auth.jwtSecret);
	const api = `http://127.0.0.1:${config.ports.api}`;
	return {
		API_URL: api,
		REST_URL: `${api}/rest/v1`,
		DB_URL: dbUrl(config),
		ANON_KEY: keys.anon,
		SERVICE_ROLE_KEY: keys.serviceRole,
		PUBLISHABLE_KEY: keys.publishable,
		SECRET_KEY: keys.secret,
		JWT_SECRET: config.auth.jwtSecret,
		AUTH_DIRECT_URL: `http://127.0.0.1:${config.ports.auth}`,
		...(config.ports.mail ? { MAILPIT_URL: `http://127.0.0.1:${config.ports.mail}` } : {}),
		...(config.ports.storage ? { STORAGE_URL: `${api}/storage/v1` } : {})
	};
}

function supervisorAlive(config: StackConfig): boolean {
	const state = readState(config);
	return state !== undefined && isAlive(state.supervisorPid);
}

const PORT_NAMES = (config: StackConfig): [number, string][] => [
	[config.ports.api, 'the API gateway'],
	[config.ports.db, 'Postgres'],
	[config.ports.rest, 'PostgREST'],
	[config.ports.restAdmin, 'PostgREST admin'],
	[config.ports.auth, 'the auth server'],
	...(config.ports.storage ? ([[config.ports.storage, 'the storage server']] as [number, string][]) : [])
];

/** Starts the stack unless it already runs. Resolves when every component answers. */
export async function startStack(projectRoot: string): Promise<{ alreadyRunning: boolean; config: StackConfig }> {
	const config = loadStackConfig(projectRoot);
	const current = readState(config);
	if (current && isAlive(current.supervisorPid)) {
		const health = await componentHealth(config);
		const down = Object.entries(health).filter(([, up]) => !up);
		if (current.status === 'ready' && down.length === 0) return { alreadyRunning: true, config };
		if (current.status === 'ready') {
			// The supervisor restarts a dead component with backoff (at most 30 s apart): wait for it.
			if (await waitForHealth(config, 75_000)) return { alreadyRunning: true, config };
			const names = down.map(([name]) => COMPONENT_LABELS[name as ComponentName]).join(', ');
			throw new Error(
				`The local Supabase is running but ${names} did not come back; see ${logFile(config.dataDir, 'supervisor')}.`
			);
		}
	} else {
		for (const [port, name] of PORT_NAMES(config)) {
			if (await portInUse(port)) {
				throw new Error(
					`Port ${port} (${name}) is already in use by another process. ` +
						'Stop it (is `supabase start` or another Parley checkout running?) or change the port in supabase/config.toml.'
				);
			}
		}
		for (const line of config.ignored) console.warn(`supabase/config.toml: ${line}`);
		// Said at once, rather than by a supervisor that fails a moment later.
		findPostgrest();
		clearState(config);
		mkdirSync(path.dirname(logFile(config.dataDir, 'supervisor')), { recursive: true });
		const log = openSync(logFile(config.dataDir, 'supervisor'), 'a');
		const entry = fileURLToPath(new URL('./supervisor.ts', import.meta.url));
		const child = spawn(process.execPath, [entry, projectRoot], { detached: true, stdio: ['ignore', log, log] });
		child.unref();
		closeSync(log);
	}

	const deadline = Date.now() + 180_000;
	while (Date.now() < deadline) {
		const state = readState(config);
		if (state?.status === 'ready') return { alreadyRunning: false, config };
		if (state?.status === 'failed') throw new Error(`The local Supabase failed to start: ${state.error}`);
		if (state && !isAlive(state.supervisorPid)) {
			throw new Error(`The local Supabase supervisor died; see ${logFile(config.dataDir, 'supervisor')}`);
		}
		await sleep(100);
	}
	throw new Error(`The local Supabase did not start within 180 s; see ${logFile(config.dataDir, 'supervisor')}`);
}

async function waitForHealth(config: StackConfig, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (Object.values(await componentHealth(config)).every(Boolean)) return true;
		await sleep(250);
	}
	return false;
}

/** Stops the supervisor and with it every component; nothing of the stack is left running. */
export async function stopStack(projectRoot: string): Promise<boolean> {
	const config = loadStackConfig(projectRoot);
	const state = readState(config);
	if (!state) return false;
	const { supervisorPid } = state;
	if (isAlive(supervisorPid)) {
		process.kill(supervisorPid, 'SIGTERM');
		const deadline = Date.now() + 30_000;
		while (isAlive(supervisorPid) && Date.now() < deadline) await sleep(50);
	}
	// Whatever survived (a killed supervisor, a hung child) goes with its process group.
	try {
		process.kill(-supervisorPid, 'SIGKILL');
	} catch {
		// The group is already gone.
	}
	for (const pid of Object.values(state.pids)) {
		if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
	}
	clearState(config);
	return true;
}

/** Each running component's health; the mail outbox only when [local_smtp] turns it on. */
export async function componentHealth(config: StackConfig): Promise<Partial<Record<ComponentName, boolean>>> {
	const { anon } = await deriveApiKeys(config.auth.jwtSecret);
	const probe = (check: () => Promise<boolean>) => check().catch(() => false);
	const { mail: mailPort, storage: storagePort } = config.ports;
	const [postgresUp, postgrestUp, mailUp, authUp, storageUp, gatewayUp] = await Promise.all([
		probe(() => postgresAnswers(config)),
		probe(() => httpOk(`http://127.0.0.1:${config.ports.restAdmin}/ready`)),
		mailPort ? probe(() => httpOk(`http://127.0.0.1:${mailPort}/livez`)) : Promise.resolve(undefined),
		probe(() => httpOk(`http://127.0.0.1:${config.ports.auth}/health`)),
		storagePort ? probe(() => httpOk(`http://127.0.0.1:${storagePort}/status`)) : Promise.resolve(undefined),
		probe(() => httpOk(`http://127.0.0.1:${config.ports.api}/auth/v1/health`, { apikey: anon }))
	]);
	const health: Partial<Record<ComponentName, boolean>> = { postgres: postgresUp, postgrest: postgrestUp };
	if (mailUp !== undefined) health.mail = mailUp;
	health.auth = authUp;
	if (storageUp !== undefined) health.storage = storageUp;
	return { ...health, gateway: gatewayUp };
}

export interface StackStatus {
	running: boolean;
	down: string[];
	/** Components that died and were started again, for the record. */
	restarted: string[];
	env: StackEnv;
}

export async function stackStatus(projectRoot: string): Promise<StackStatus> {
	const config = loadStackConfig(projectRoot);
	const env = await stackEnv(config);
	if (!supervisorAlive(config)) return { running: false, down: [], restarted: [], env };
	const health = await componentHealth(config);
	const state = readState(config);
	const names = Object.keys(health) as ComponentName[];
	const down = names
		.filter((name) => !health[name])
		.map((name) => {
			const how = state?.exited[name];
			return `${COMPONENT_LABELS[name]} is down${how ? ` (${how}; the supervisor is restarting it)` : ''}; see ${logFile(config.dataDir, name)}`;
		});
	const restarted = names.flatMap((name) => {
		const count = state?.restarts?.[name];
		return count
			? [`${COMPONENT_LABELS[name]} was restarted ${count} time(s); it last ended with ${state?.exited[name]}`]
			: [];
	});
	return { running: true, down, restarted, env };
}

/** Wipes the database and starts again: bootstrap, migrations and seed run anew. */
export async function resetStack(projectRoot: string): Promise<void> {
	const config = loadStackConfig(projectRoot);
	await stopStack(projectRoot);
	rmSync(pgDataDir(config), { recursive: true, force: true });
	// Stored bytes belong to rows of the database just wiped.
	rmSync(path.join(config.dataDir, 'storage'), { recursive: true, force: true });
	await startStack(projectRoot);
}
