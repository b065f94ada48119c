// The stack's supervisor: a detached process that starts Postgres, migrates, starts PostgREST,
// the mail outbox (when [local_smtp] is on), the auth server, the storage server (when [storage] is
// on) and the gateway, records what happens in state.json, and stops them all on
// SIGTERM. `node local-supabase/supervisor.ts <project root>`.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { dbUrl, loadStackConfig } from './config.ts';
import { deriveApiKeys, loadSigningKeys } from './keys.ts';
import {
	bootstrapPlatform,
	initCluster,
	installStorageSchema,
	startPostgres,
	upgradePlatform
} from './postgres/cluster.ts';
import { applyMigrations } from './postgres/migrations.ts';
import { startPostgrest } from './postgrest/postgrest.ts';
import { httpOk, logFile, spawnLogged, waitUntil } from './processes.ts';
import { COMPONENT_LABELS, type ComponentName, type StackState, writeState } from './state.ts';

const config = loadStackConfig(process.argv[2] ?? process.cwd());
const state: StackState = {
	supervisorPid: process.pid,
	status: 'starting',
	exited: {},
	restarts: {},
	pids: {},
	startedAt: new Date().toISOString()
};
// In start order; stopAll stops them in reverse. A restarted component keeps its place.
const running: { name: ComponentName; child: ChildProcess }[] = [];
let stopping = false;

type Starter = () => Promise<ChildProcess>;

// A component that dies is started again after 1, 2, 4 ... up to 30 s; one that stayed up for a
// minute starts the count afresh, so a crash loop never spins and a rare crash heals at once.
const RESTART_MAX_DELAY_MS = 30_000;
const STABLE_AFTER_MS = 60_000;
const crashesInARow: Partial<Record<ComponentName, number>> = {};

function track(name: ComponentName, child: ChildProcess, start: Starter): ChildProcess {
	const slot = running.find((entry) => entry.name === name);
	if (slot) slot.child = child;
	else running.push({ name, child });
	state.pids[name] = child.pid;
	const startedAt = Date.now();
	child.once('exit', (code, signal) => {
		if (stopping) return;
		const how = signal ? `killed by ${signal}` : `exit code ${code}`;
		state.exited[name] = how;
		if (Date.now() - startedAt > STABLE_AFTER_MS) crashesInARow[name] = 0;
		const delay = Math.min(RESTART_MAX_DELAY_MS, 1000 * 2 ** (crashesInARow[name] ?? 0));
		crashesInARow[name] = (crashesInARow[name] ?? 0) + 1;
		console.error(
			`${COMPONENT_LABELS[name]} exited unexpectedly (${how}); restarting in ${delay / 1000} s. See ${logFile(config.dataDir, name)}`
		);
		writeState(config, state);
		setTimeout(() => void restart(name, start), delay);
	});
	return child;
}

async function restart(name: ComponentName, start: Starter): Promise<void> {
	if (stopping) return;
	try {
		track(name, await start(), start);
		state.restarts[name] = (state.restarts[name] ?? 0) + 1;
		console.error(`${COMPONENT_LABELS[name]} restarted (restart ${state.restarts[name]})`);
	} catch (error) {
		// The start itself failed: count it as another crash and try again later.
		const delay = Math.min(RESTART_MAX_DELAY_MS, 1000 * 2 ** (crashesInARow[name] ?? 0));
		crashesInARow[name] = (crashesInARow[name] ?? 0) + 1;
		console.error(`${COMPONENT_LABELS[name]} did not restart (${String(error)}); trying again in ${delay / 1000} s`);
		setTimeout(() => void restart(name, start), delay);
	}
	writeState(config, state);
}

async function needsBootstrap(): Promise<boolean> {
	const sql = postgres(dbUrl(config), { max: 1, onnotice: () => {} });
	try {
		const [{ missing }] = await sql<{ missing: boolean }[]>`select to_regclass('auth.users') is null as missing`;
		return missing;
	} finally {
		await sql.end({ timeout: 2 });
	}
}

function nodeService(
	name: 'mail' | 'auth' | 'storage' | 'gateway',
	healthUrl: string,
	headers: Record<string, string> = {}
): Starter {
	return async () => {
		const entry = fileURLToPath(new URL(`./${name}/main.ts`, import.meta.url));
		const child = spawnLogged(config.dataDir, name, process.execPath, [entry, config.projectRoot]);
		await waitUntil(COMPONENT_LABELS[name], () => httpOk(healthUrl, headers), {
			child,
			logPath: logFile(config.dataDir, name)
		});
		return child;
	};
}

async function startTracked(name: ComponentName, start: Starter): Promise<void> {
	track(name, await start(), start);
}

async function start(): Promise<void> {
	await initCluster(config);
	await startTracked('postgres', () => startPostgres(config));
	const fresh = await needsBootstrap();
	if (fresh) await bootstrapPlatform(config);
	await upgradePlatform(config);
	// Supabase's image has the storage schema before any migration runs, storage server or not.
	await installStorageSchema(config);
	await applyMigrations(config, { seed: fresh });

	const keys = await loadSigningKeys(config);
	await startTracked('postgrest', () => startPostgrest(config, keys));
	// Before auth, which sends its mail there.
	if (config.ports.mail) await startTracked('mail', nodeService('mail', `http://127.0.0.1:${config.ports.mail}/livez`));
	await startTracked('auth', nodeService('auth', `http://127.0.0.1:${config.ports.auth}/health`));
	if (config.ports.storage) {
		await startTracked('storage', nodeService('storage', `http://127.0.0.1:${config.ports.storage}/status`));
	}
	const { anon } = await deriveApiKeys(config.auth.jwtSecret);
	await startTracked(
		'gateway',
		nodeService('gateway', `http://127.0.0.1:${config.ports.api}/auth/v1/health`, { apikey: anon })
	);
}

/** Stops the services in reverse order; Postgres last, with a fast shutdown. */
async function stopAll(): Promise<void> {
	stopping = true;
	for (const { child } of running.toReversed()) {
		if (child.exitCode !== null || child.signalCode !== null) continue;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill(child === running[0]?.child ? 'SIGINT' : 'SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
		await exited;
		clearTimeout(timer);
	}
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
	process.once(signal, () => {
		void stopAll().then(() => process.exit(0));
	});
}

try {
	writeState(config, state);
	await start();
	state.status = 'ready';
	writeState(config, state);
	console.log(`local Supabase ready at http://127.0.0.1:${config.ports.api}`);
} catch (error) {
	state.status = 'failed';
	state.error = error instanceof Error ? error.message : String(error);
	writeState(config, state);
	console.error(state.error);
	await stopAll();
	process.exit(1);
}
