// Child processes of the stack: spawned with their output in a log file, and waited on.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';

export function logFile(dataDir: string, name: string): string {
	return path.join(dataDir, 'logs', `${name}.log`);
}

export function spawnLogged(
	dataDir: string,
	name: string,
	command: string,
	args: string[],
	options: SpawnOptions = {}
): ChildProcess {
	mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
	const fd = openSync(logFile(dataDir, name), 'a');
	try {
		return spawn(command, args, { ...options, stdio: ['ignore', fd, fd] });
	} finally {
		closeSync(fd);
	}
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it resolves true. Fails early, naming the component, when its process exits,
 * and after `timeoutMs` otherwise.
 */
export async function waitUntil(
	label: string,
	probe: () => Promise<boolean>,
	options: { child?: ChildProcess; timeoutMs?: number; logPath?: string } = {}
): Promise<void> {
	const { child } = options;
	const deadline = Date.now() + (options.timeoutMs ?? 30_000);
	const seeLog = options.logPath ? ` See ${options.logPath}.` : '';
	while (Date.now() < deadline) {
		if (child && child.exitCode !== null) {
			throw new Error(`${label} exited during start-up (code ${child.exitCode}).${seeLog}`);
		}
		if (await probe().catch(() => false)) return;
		await sleep(100);
	}
	// A component that never came up must not linger after the failed start.
	child?.kill('SIGKILL');
	throw new Error(`${label} did not become ready within ${(options.timeoutMs ?? 30_000) / 1000} s.${seeLog}`);
}

export async function httpOk(url: string, headers: Record<string, string> = {}): Promise<boolean> {
	const response = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
	await response.body?.cancel();
	return response.ok;
}

/** True when something already accepts connections on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = createConnection({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
		socket.setTimeout(1000, () => {
			socket.destroy();
			resolve(false);
		});
	});
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
