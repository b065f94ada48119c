// What the benches share: the production worker under wrangler dev, and a client that keeps
// cookies as a browser without JavaScript would.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { SupabaseClient } from '@supabase/supabase-js';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { appEnv, projectRoot } from '../scripts/supabase-env.ts';

export const median = (values: number[]) => percentile(values, 50);

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface Worker {
	base: string;
	process: ChildProcess;
	/** CPU milliseconds the workerd processes have used so far (user + system). */
	cpuMs(): number;
	/**
	 * The same, of the worker's own workerd process alone: wrangler dev runs its proxy (the one that
	 * listens on `port`) in a workerd process of its own, which Cloudflare has no counterpart of.
	 */
	workerCpuMs(): number;
	stop(): void;
}

/** `vite build` in a checkout (with its own node_modules): the worker, and the server under .svelte-kit/output. */
export function buildApp(root = projectRoot): void {
	const build = spawnSync('vite', ['build'], {
		cwd: root,
		stdio: 'ignore',
		env: { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` }
	});
	if (build.status !== 0) throw new Error(`vite build failed in ${root}`);
}

/**
 * Builds the worker and runs it in workerd, against the given Supabase and model: this checkout's,
 * or another's (`root`, with its own node_modules), for a bench that compares two.
 */
export async function startWorker(
	port: number,
	supabaseEnv: Record<string, string>,
	model: { url: string; id: string },
	root = projectRoot
): Promise<Worker> {
	buildApp(root);
	return runWrangler(root, port, { ...appEnv(supabaseEnv), AI_BASE_URL: model.url, AI_MODEL: model.id }, '/login');
}

/**
 * A worker that answers "ok" and does nothing else, under the same wrangler dev: what workerd
 * spends on any request there (its proxy worker, the HTTP stack) before Parley runs at all.
 * Given the Supabase and the model, it also answers /fetch (one subrequest, a read that answers
 * [] for anon: the subrequest, not the body, is measured) and /message (see emptyMessage).
 */
export function startEmptyWorker(
	port: number,
	io?: { supabaseEnv: Record<string, string>; modelUrl: string }
): Promise<Worker> {
	const vars: Record<string, string> = io
		? {
				FETCH_URL: `${io.supabaseEnv.PUBLIC_SUPABASE_URL}/rest/v1/chat_sessions?select=id&limit=1`,
				FETCH_APIKEY: io.supabaseEnv.PUBLIC_SUPABASE_PUBLISHABLE_KEY,
				MODEL_URL: io.modelUrl
			}
		: {};
	return runWrangler(path.join(projectRoot, 'bench', 'empty-worker'), port, vars, '/');
}

/**
 * A message's I/O alone, on the empty worker (bench/empty-worker): the request, a read, a Durable
 * Object relaying the model's stream, another read. Resolves to the events once they have ended.
 * A `cookie` is sent as the app's requests send theirs: its bytes are I/O too.
 */
export async function emptyMessage(empty: Worker, content: string, cookie?: string): Promise<string> {
	const init = stream({ content });
	const response = await workerFetch(`${empty.base}/message`, {
		...init,
		headers: { ...init.headers, ...(cookie ? { cookie } : {}) }
	});
	const events = await response.text();
	if (!events.includes('[DONE]')) throw new Error(`the empty worker's message did not end: ${events.slice(-200)}`);
	return events;
}

async function runWrangler(
	cwd: string,
	port: number,
	vars: Record<string, string>,
	readyPath: string
): Promise<Worker> {
	const varArgs = Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]);
	const child = spawn(
		'wrangler',
		['dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error', ...varArgs],
		{
			cwd,
			stdio: 'ignore',
			env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' }
		}
	);
	const base = `http://127.0.0.1:${port}`;
	for (let attempt = 0; ; attempt++) {
		if (attempt > 300) throw new Error(`wrangler dev in ${cwd} did not start`);
		const ready = await fetch(`${base}${readyPath}`).then(
			(response) => response.ok,
			() => false
		);
		if (ready) break;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return {
		base,
		process: child,
		cpuMs: () => descendantsCpuMs(child.pid!, 'workerd'),
		workerCpuMs: () =>
			descendantsCpuMs(child.pid!, 'workerd', (commandLine) => !commandLine.includes(`=127.0.0.1:${port} `)),
		stop: () => child.kill('SIGTERM')
	};
}

/** Linux's clock ticks per second in /proc (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** A process's command and the CPU it has used so far (utime + stime), from /proc/<pid>/stat. */
function processCpu(pid: number | string): { command: string; cpuMs: number } {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return {
		command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
		cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
	};
}

/**
 * Sums utime + stime of the descendants of `pid` whose command is `name` (Linux /proc), and whose
 * command line passes `keep`, when given.
 */
function descendantsCpuMs(pid: number, name: string, keep?: (commandLine: string) => boolean): number {
	let total = 0;
	const visit = (parent: number) => {
		let children: string[];
		try {
			children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
		} catch {
			return;
		}
		for (const child of children.map(Number)) {
			const { command, cpuMs } = processCpu(child);
			const kept =
				command === name && (!keep || keep(`${readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ')} `));
			if (kept) total += cpuMs;
			visit(child);
		}
	};
	visit(pid);
	return total;
}

/** CPU time so far on this machine (Linux /proc), in ms: each process's, and the cores'. */
export interface MachineCpu {
	/** By process id: which part of the stack it is, and its CPU so far. */
	processes: Map<number, { part: string; cpuMs: number }>;
	/** All cores' time that was not idle, and all cores' time. */
	busyMs: number;
	allMs: number;
}

/** Which part of the stack a process is, by its command and command line. */
function partOf(pid: number, command: string): string {
	if (pid === process.pid) return 'this bench (its client and fake model)';
	if (command === 'workerd') return 'workerd';
	if (command === 'postgres') return 'Postgres';
	if (command === 'postgrest') return 'PostgREST';
	if (command.startsWith('kworker') || command.startsWith('ksoftirqd')) return 'the kernel';
	const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
	const local = /local-supabase\/([a-z-]+)\//.exec(commandLine)?.[1];
	if (local) return `local ${local}`;
	if (commandLine.includes('wrangler') || command === 'esbuild') return 'wrangler dev (Node)';
	return 'other';
}

/** Every process's CPU so far, and the cores' time from /proc/stat. */
export function machineCpu(): MachineCpu {
	const processes: MachineCpu['processes'] = new Map();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const { command, cpuMs } = processCpu(entry);
			if (cpuMs) processes.set(Number(entry), { part: partOf(Number(entry), command), cpuMs });
		} catch {
			// The process ended meanwhile.
		}
	}
	// user nice system idle iowait irq softirq steal, in ticks, summed over the cores.
	const times = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1, 9).map(Number);
	const allMs = (times.reduce((sum, value) => sum + value, 0) * 1000) / TICKS_PER_SECOND;
	return { processes, busyMs: allMs - ((times[3] + times[4]) * 1000) / TICKS_PER_SECOND, allMs };
}

/**
 * What each part spent between two readings, per `count` (say, per message), largest first, the
 * parts under 0.05 ms left out of the list but not of the total. A process that ended between the
 * readings is not counted: /proc no longer has it.
 */
export function cpuSpent(before: MachineCpu, after: MachineCpu, count: number) {
	const byPart = new Map<string, number>();
	for (const [pid, { part, cpuMs }] of after.processes) {
		const spent = cpuMs - (before.processes.get(pid)?.cpuMs ?? 0);
		byPart.set(part, (byPart.get(part) ?? 0) + spent / count);
	}
	return {
		parts: [...byPart].filter(([, ms]) => ms >= 0.05).sort((a, b) => b[1] - a[1]),
		total: [...byPart.values()].reduce((sum, ms) => sum + ms, 0),
		/** The share of all cores' time that was busy. */
		busy: (after.busyMs - before.busyMs) / (after.allMs - before.allMs)
	};
}

/**
 * fetch for a request to a worker under wrangler dev, asking for the body as it is. Asked for gzip
 * (as fetch asks by default), miniflare's entry worker compresses text/html and JSON in the
 * worker's own workerd process, standing in for Cloudflare's edge, which compresses outside the
 * Worker and bills none of it: about 0.7 ms of CPU a chat page of 85 KB (perf, this machine), and
 * less for the empty worker's page of spaces, which would count against the app.
 */
export function workerFetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'identity');
	return fetch(url, { ...init, headers });
}

/**
 * A client with its own cookie jar; POSTs carry the site's Origin, as a browser's do. It sends
 * over HTTP, or through `send` (bench/ssr.ts hands requests to a server in the same process).
 */
export function cookieClient(base: string, send: (url: string, init: RequestInit) => Promise<Response> = workerFetch) {
	const jar = new Map<string, string>();
	async function request(path: string, init: RequestInit = {}) {
		const headers = new Headers(init.headers);
		headers.set('cookie', cookieHeader());
		if (init.method === 'POST') headers.set('origin', base);
		const response = await send(`${base}${path}`, { ...init, headers, redirect: 'manual' });
		for (const line of response.headers.getSetCookie()) {
			const [pair] = line.split(';');
			const [name, ...value] = pair.split('=');
			if (/Max-Age=0/i.test(line)) jar.delete(name);
			else jar.set(name, value.join('='));
		}
		return response;
	}
	/** The Cookie header the next request sends. */
	const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
	return { jar, request, cookieHeader };
}

export const form = (fields: Record<string, string>) => ({
	method: 'POST',
	headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
	body: new URLSearchParams(fields).toString()
});

export const stream = (body: object) => ({
	method: 'POST',
	headers: { 'content-type': 'application/json' },
	body: JSON.stringify(body)
});

/**
 * Signs a new person up through the worker's form on `request`'s cookie jar, and finds their id
 * with the service-role client, for benches that seed that person's chats straight into the database.
 */
export async function signUpBenchUser(
	request: ReturnType<typeof cookieClient>['request'],
	admin: SupabaseClient,
	label: string
): Promise<string> {
	const email = `bench-${label}-${Date.now()}@example.com`;
	await (await request('/login?/signup', form({ email, password: 'bench-password-1', redirectTo: '/chat' }))).text();
	const { data: users } = await admin.auth.admin.listUsers({ perPage: 1000 });
	const userId = users.users.find((user) => user.email === email)?.id;
	if (!userId) throw new Error('the bench user was not created');
	return userId;
}
