// `npm test` after the stack is up (scripts/with-supabase.ts): the checks, the types check, the
// vitest suites and the production build run at once, then the end-to-end tests. The first four
// barely share a core (svelte-check and ESLint use one, vitest mostly waits on Postgres), so side
// by side they take about as long as the slowest of them. Each one's output is printed whole when
// it ends, and any failure fails the run before Playwright starts.
import { spawn } from 'node:child_process';

interface Step {
	name: string;
	command: string[];
}

const FIRST: Step[] = [
	{ name: 'check (svelte-check, prettier, ESLint)', command: ['npm', 'run', '-s', 'check'] },
	{ name: 'database types', command: ['npm', 'run', '-s', 'db:types:check'] },
	{ name: 'vitest', command: ['npm', 'run', '-s', 'test:integration'] },
	{ name: 'build', command: ['npm', 'run', '-s', 'build'] }
];
const LAST: Step = { name: 'Playwright', command: ['playwright', 'test'] };

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(0)} s`;

/** Runs a step with its output kept; resolves to whether it passed. */
function run(step: Step, inherit = false): Promise<boolean> {
	const started = performance.now();
	return new Promise((resolve) => {
		const [command, ...args] = step.command;
		const child = spawn(command, args, { stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
		const output: Buffer[] = [];
		child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
		child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
		child.on('close', (code) => {
			const passed = code === 0;
			if (!inherit) process.stdout.write(Buffer.concat(output));
			console.log(`\n── ${step.name}: ${passed ? 'passed' : `failed (exit ${code})`} in ${seconds(started)}\n`);
			resolve(passed);
		});
	});
}

const started = performance.now();
const results = await Promise.all(FIRST.map((step) => run(step)));
if (results.some((passed) => !passed)) {
	console.error('Stopped before the end-to-end tests: a step above failed.');
	process.exit(1);
}
const passed = await run(LAST, true);
console.log(`── npm test: ${passed ? 'passed' : 'failed'} in ${seconds(started)}`);
process.exit(passed ? 0 : 1);
