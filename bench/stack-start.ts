// Prints the local stack's cold start (empty data folder) and warm start (data kept) times.
// `node scripts/with-supabase.ts` is not used: this script owns the stack for its run.
// Usage: npm run bench:stack   (stops a running local stack first)
import { rmSync } from 'node:fs';
import { loadStackConfig } from '../local-supabase/config.ts';
import { pgDataDir } from '../local-supabase/postgres/cluster.ts';
import { startStack, stopStack } from '../local-supabase/stack.ts';
import { projectRoot } from '../scripts/supabase-env.ts';

const config = loadStackConfig(projectRoot);
const runs = Number(process.argv[2] ?? 3);

async function timed(label: string, prepare: () => void): Promise<number> {
	await stopStack(projectRoot);
	prepare();
	const started = performance.now();
	await startStack(projectRoot);
	const seconds = (performance.now() - started) / 1000;
	console.log(`${label}: ${seconds.toFixed(2)} s`);
	return seconds;
}

const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i < runs; i++) {
	cold.push(await timed('cold start', () => rmSync(pgDataDir(config), { recursive: true, force: true })));
	warm.push(await timed('warm start', () => {}));
}
await stopStack(projectRoot);
const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`median of ${runs}: cold ${median(cold).toFixed(2)} s, warm ${median(warm).toFixed(2)} s`);
