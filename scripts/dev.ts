// `npm run dev`: vite dev against the Supabase the environment names, or the local stack.
// The local stack stays up afterwards, as `supabase start` does: `npm run supabase:stop` ends it.
import { spawn } from 'node:child_process';
import { appEnv, resolveSupabase } from './supabase-env.ts';

try {
	const target = await resolveSupabase();
	console.log(
		target.source === 'local'
			? `Local Supabase at ${target.env.PUBLIC_SUPABASE_URL} (npm run supabase:stop to end it)`
			: 'Using the Supabase named by PUBLIC_SUPABASE_URL'
	);
	const vite = spawn('vite', ['dev', ...process.argv.slice(2)], {
		stdio: 'inherit',
		// The app gets the public URL and key only; the service-role key stays with the tests.
		env: { ...process.env, ...appEnv(target.env) }
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => vite.kill(signal));
	vite.once('exit', (code) => process.exit(code ?? 0));
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
}
