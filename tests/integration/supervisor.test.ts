// The supervisor brings a dead component back. This runs a second, throwaway stack on its own
// ports, so killing one of its parts cannot disturb the stack the other tests share.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { componentHealth, stackStatus, startStack, stopStack } from '../../local-supabase/stack.ts';
import { readState } from '../../local-supabase/state.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-supervisor-'));
// As root, Postgres runs as nobody, which must be able to reach the data folder.
chmodSync(root, 0o755);
mkdirSync(path.join(root, 'supabase'));
// Below Linux's ephemeral range (32768–60999): a port in it can be any outgoing connection's, and
// Postgres then cannot bind it ("Address already in use" failed a CI run on 56322). Clear of
// stack.test's ports (31421, 31422, and its components' from 31431).
writeFileSync(path.join(root, 'supabase', 'config.toml'), '[api]\nport = 31521\n[db]\nport = 31522\n');

describe('the supervisor', () => {
	afterAll(async () => {
		await stopStack(root);
	}, 60_000);

	it('restarts a component that died, and says so in status', async () => {
		const { config } = await startStack(root);
		const before = readState(config)!;
		const authPid = before.pids.auth!;
		process.kill(authPid, 'SIGKILL');

		const deadline = Date.now() + 20_000;
		let state = readState(config);
		while (Date.now() < deadline && !state?.restarts.auth) {
			await new Promise((resolve) => setTimeout(resolve, 200));
			state = readState(config);
		}
		expect(state?.restarts.auth).toBe(1);
		expect(state?.exited.auth).toBe('killed by SIGKILL');
		expect(state?.pids.auth).not.toBe(authPid);
		expect((await componentHealth(config)).auth).toBe(true);

		const status = await stackStatus(root);
		expect(status.down).toEqual([]);
		expect(status.restarted).toEqual(['the auth server was restarted 1 time(s); it last ended with killed by SIGKILL']);
		// Starting again finds the healed stack instead of refusing.
		expect((await startStack(root)).alreadyRunning).toBe(true);
	}, 120_000);
});
