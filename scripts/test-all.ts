// `npm test` after the stack is up (scripts/with-supabase.ts): the checks, the types check, the
// vitest suites and the production build, then the end-to-end tests. They barely share a core
// (prettier, ESLint and svelte-check use one, vitest mostly waits on Postgres), so they run side
// by side: the build, the lint and the types check at once, then svelte-check and vitest as soon as
// the build is done (the lint may still run). The build never runs beside svelte-check or vitest,
// whose `svelte-kit sync` rewrites the generated files a build is reading. Each step's output is
// printed whole when it ends, and any failure fails the run before Playwright starts.
import { spawn } from 'node:child_process';

interface Step {
	name: string;
	command: string[];
}

const BUILD: Step = { name: 'build', command: ['npm', 'run', '-s', 'build'] };
const BESIDE_THE_BUILD: Step[] = [
	{ name: 'prettier and ESLint', command: ['npm', 'run', '-s', 'lint'] },
	{ name: 'database types', command: ['npm', 'run', '-s', 'db:types:check'] }
];
const AFTER_THE_BUILD: Step[] = [
	{ name: 'svelte-check', command: ['npm', 'run', '-s', 'check:svelte'] },
	{ name: 'vitest', command: ['npm', 'run', '-s', 'test:integration'] }
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
const afterTheBuild = run(BUILD).then((built) =>
	built ? Promise.all(AFTER_THE_BUILD.map((step) => run(step))) : [false]
);
const results = (await Promise.all([afterTheBuild, ...BESIDE_THE_BUILD.map((step) => run(step))])).flat();
if (results.some((passed) => !passed)) {
	console.error('Stopped before the end-to-end tests: a step above failed.');
	process.exit(1);
}
const passed = await run(LAST, true);
console.log(`── npm test: ${passed ? 'passed' : 'failed'} in ${seconds(started)}`);
process.exit(passed ? 0 : 1);
