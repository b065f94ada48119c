// Runs a command against Supabase: `node scripts/with-supabase.ts <command> [args...]`.
// Starts the local stack when the environment names no other Supabase, and stops it again
// afterwards if this run started it.
import { spawn } from 'node:child_process';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from './supabase-env.ts';

// --quick-hash: a stack this run starts hashes passwords at bcrypt's least cost, as GoTrue's own
// tests do; every sign-up of the suite then costs the machine a few milliseconds, not sixty.
const quickHash = process.argv[2] === '--quick-hash';
const [command, ...args] = process.argv.slice(quickHash ? 3 : 2);
if (!command) {
	console.error('Usage: node scripts/with-supabase.ts [--quick-hash] <command> [args...]');
	process.exit(2);
}
if (quickHash) process.env.LOCAL_SUPABASE_QUICK_HASH = '1';

const target = await resolveSupabase();
const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...target.env } });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
const code = await new Promise<number>((resolve) => child.once('exit', (exitCode) => resolve(exitCode ?? 1)));
if (target.started) await stopStack(projectRoot);
process.exit(code);
