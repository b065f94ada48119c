// Migrations and seed go through the real Supabase CLI (`db push --remote=<url>`), the same
// code path `supabase start` and a hosted project use.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { fileURLToPath } from 'node:url';
import { dbUrl, type StackConfig } from '../config.ts';

const run = promisify(execFile);

/** The CLI this stack was installed with, whichever project folder it serves. */
export function supabaseCli(): string {
	return fileURLToPath(new URL('../../node_modules/.bin/supabase', import.meta.url));
}

/** Runs the Supabase CLI under this Node, with TLS off: the local Postgres has none. */
export async function runSupabaseCli(config: StackConfig, args: string[]): Promise<string> {
	try {
		const { stdout } = await run(process.execPath, [supabaseCli(), ...args], {
			cwd: config.projectRoot,
			env: { ...process.env, PGSSLMODE: 'disable', DO_NOT_TRACK: '1' },
			maxBuffer: 32 * 1024 * 1024
		});
		return stdout;
	} catch (error) {
		const { stderr, stdout } = error as { stderr?: string; stdout?: string };
		throw new Error(`supabase ${args[0]} ${args[1] ?? ''} failed:\n${(stderr || stdout || String(error)).trim()}`, {
			cause: error
		});
	}
}

export const cliDbUrl = (config: StackConfig) => `${dbUrl(config)}?sslmode=disable`;

function localVersions(config: StackConfig): string[] {
	const dir = path.join(config.supabaseDir, 'migrations');
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true })
		.filter((entry) => entry.isFile() && /^\d+_.*\.sql$/.test(entry.name))
		.map((entry) => entry.name.split('_')[0]);
}

async function appliedVersions(config: StackConfig): Promise<Set<string>> {
	const sql = postgres(dbUrl(config), { max: 1, onnotice: () => {} });
	try {
		const [{ exists }] = await sql<{ exists: boolean }[]>`
			select to_regclass('supabase_migrations.schema_migrations') is not null as exists`;
		if (!exists) return new Set();
		const rows = await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`;
		return new Set(rows.map((row) => row.version));
	} finally {
		await sql.end({ timeout: 2 });
	}
}

/** Applies pending migrations, and the seed when asked; skips the CLI when nothing is pending. */
export async function applyMigrations(config: StackConfig, options: { seed: boolean }): Promise<number> {
	const applied = await appliedVersions(config);
	const pending = localVersions(config).filter((version) => !applied.has(version));
	const seed = options.seed && config.seed.enabled;
	if (pending.length === 0 && !seed) return 0;
	const args = ['db', 'push', `--remote=${cliDbUrl(config)}`, '--yes', '--include-all'];
	if (seed) args.push('--include-seed');
	await runSupabaseCli(config, args);
	return pending.length;
}
