// Runs a command against Supabase: `node scripts/with-supabase.ts <command> [args...]`.
// Starts the local stack when the environment names no other Supabase, and stops it again
// afterwards if this run started it.
import { spawn } from 'node:child_process';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from './supabase-env.ts';

const [command, ...args] = process.argv.slice(2);
if (!command) {
	console.error('Usage: node scripts/with-supabase.ts <command> [args...]');
	process.exit(2);
}

const target = await resolveSupabase();
const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...target.env } });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
const code = await new Promise<number>((resolve) => child.once('exit', (exitCode) => resolve(exitCode ?? 1)));
if (target.started) await stopStack(projectRoot);
process.exit(code);
