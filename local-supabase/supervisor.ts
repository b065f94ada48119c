// The stack's supervisor: a detached process that starts Postgres, migrates, starts PostgREST,
// the auth server and the gateway, records what happens in state.json, and stops them all on
// SIGTERM. `node local-supabase/supervisor.ts <project root>`.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { dbUrl, loadStackConfig } from './config.ts';
import { deriveApiKeys, loadSigningKeys } from './keys.ts';
import { bootstrapPlatform, initCluster, startPostgres } from './postgres/cluster.ts';
import { applyMigrations } from './postgres/migrations.ts';
import { startPostgrest } from './postgrest/postgrest.ts';
import { httpOk, logFile, spawnLogged, waitUntil } from './processes.ts';
import { COMPONENT_LABELS, type ComponentName, type StackState, writeState } from './state.ts';

const config = loadStackConfig(process.argv[2] ?? process.cwd());
const state: StackState = {
	supervisorPid: process.pid,
	status: 'starting',
	exited: {},
	pids: {},
	startedAt: new Date().toISOString()
};
const running: { name: ComponentName; child: ChildProcess }[] = [];
let stopping = false;

function track(name: ComponentName, child: ChildProcess): void {
	running.push({ name, child });
	state.pids[name] = child.pid;
	child.once('exit', (code, signal) => {
		if (stopping) return;
		const how = signal ? `killed by ${signal}` : `exit code ${code}`;
		state.exited[name] = how;
		console.error(`${COMPONENT_LABELS[name]} exited unexpectedly (${how}); see ${logFile(config.dataDir, name)}`);
		writeState(config, state);
	});
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

async function startNodeService(name: 'auth' | 'gateway', healthUrl: string, headers: Record<string, string> = {}) {
	const entry = fileURLToPath(new URL(`./${name}/main.ts`, import.meta.url));
	const child = spawnLogged(config.dataDir, name, process.execPath, [entry, config.projectRoot]);
	track(name, child);
	await waitUntil(COMPONENT_LABELS[name], () => httpOk(healthUrl, headers), {
		child,
		logPath: logFile(config.dataDir, name)
	});
}

async function start(): Promise<void> {
	await initCluster(config);
	track('postgres', await startPostgres(config));
	const fresh = await needsBootstrap();
	if (fresh) await bootstrapPlatform(config);
	await applyMigrations(config, { seed: fresh });

	const keys = await loadSigningKeys(config);
	track('postgrest', await startPostgrest(config, keys));
	await startNodeService('auth', `http://127.0.0.1:${config.ports.auth}/health`);
	const { anon } = await deriveApiKeys(config.auth.jwtSecret);
	await startNodeService('gateway', `http://127.0.0.1:${config.ports.api}/auth/v1/health`, { apikey: anon });
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
