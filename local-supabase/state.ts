// The running stack's state file, written by the supervisor and read by the CLI.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StackConfig } from './config.ts';

export type ComponentName = 'postgres' | 'postgrest' | 'mail' | 'auth' | 'storage' | 'gateway';

export const COMPONENT_LABELS: Record<ComponentName, string> = {
	postgres: 'Postgres',
	postgrest: 'PostgREST',
	mail: 'the mail outbox',
	auth: 'the auth server',
	storage: 'the storage server',
	gateway: 'the API gateway'
};

export interface StackState {
	supervisorPid: number;
	status: 'starting' | 'ready' | 'failed';
	error?: string;
	/** Components that exited while the stack was up, with how they last ended. */
	exited: Partial<Record<ComponentName, string>>;
	/** How often the supervisor started each component again after it died. */
	restarts: Partial<Record<ComponentName, number>>;
	pids: Partial<Record<ComponentName, number>>;
	startedAt: string;
}

const stateFile = (config: StackConfig) => path.join(config.dataDir, 'state.json');

export function readState(config: StackConfig): StackState | undefined {
	if (!existsSync(stateFile(config))) return undefined;
	try {
		return JSON.parse(readFileSync(stateFile(config), 'utf8')) as StackState;
	} catch {
		return undefined;
	}
}

export function writeState(config: StackConfig, state: StackState): void {
	mkdirSync(config.dataDir, { recursive: true });
	// Written whole and renamed, so a reader never sees half a file.
	const temp = `${stateFile(config)}.${process.pid}`;
	writeFileSync(temp, JSON.stringify(state, null, 2));
	renameSync(temp, stateFile(config));
}

export function clearState(config: StackConfig): void {
	rmSync(stateFile(config), { force: true });
}
