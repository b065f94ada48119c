// npm run supabase:start | supabase:stop | supabase:status | supabase:reset
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config.ts';
import { resetStack, stackStatus, startStack, stopStack, type StackEnv } from './stack.ts';

const projectRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** `supabase status -o env`: KEY="value" lines, sorted. */
function envLines(env: StackEnv): string {
	const { AUTH_DIRECT_URL: _internal, ...shown } = env;
	return Object.entries(shown)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([key, value]) => `${key}="${value}"`)
		.join('\n');
}

async function main(command: string | undefined): Promise<number> {
	switch (command) {
		case 'start': {
			const started = Date.now();
			const { alreadyRunning } = await startStack(projectRoot);
			const { env } = await stackStatus(projectRoot);
			console.error(
				alreadyRunning
					? 'The local Supabase is already running.'
					: `The local Supabase started in ${((Date.now() - started) / 1000).toFixed(1)} s.`
			);
			console.log(envLines(env));
			return 0;
		}
		case 'stop':
			console.error(
				(await stopStack(projectRoot)) ? 'Stopped the local Supabase.' : 'The local Supabase is not running.'
			);
			return 0;
		case 'status': {
			const status = await stackStatus(projectRoot);
			if (!status.running) {
				console.error('The local Supabase is not running. Start it with: npm run supabase:start');
				return 1;
			}
			for (const line of [...status.restarted, ...status.down]) console.error(line);
			console.log(envLines(status.env));
			return status.down.length === 0 ? 0 : 1;
		}
		case 'reset':
			await resetStack(projectRoot);
			console.error('Reset the local database: migrations and seed applied anew.');
			return 0;
		default:
			console.error('Usage: node local-supabase/cli.ts start|stop|status|reset');
			return 2;
	}
}

try {
	process.exitCode = await main(process.argv[2]);
} catch (error) {
	console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
	process.exitCode = 1;
}
