// The stack's own guard rails: bad configuration and a taken port get a clear error naming them.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadStackConfig } from '../../local-supabase/config.ts';
import { startStack } from '../../local-supabase/stack.ts';

function projectWith(configToml: string): string {
	const root = mkdtempSync(path.join(tmpdir(), 'parley-stack-'));
	mkdirSync(path.join(root, 'supabase'));
	writeFileSync(path.join(root, 'supabase', 'config.toml'), configToml);
	return root;
}

describe('local stack configuration', () => {
	it('names the bad setting', () => {
		const root = projectWith('[auth]\njwt_expiry = "soon"\nminimum_password_length = 2\n');
		expect(() => loadStackConfig(root)).toThrow(ConfigError);
		expect(() => loadStackConfig(root)).toThrow(/auth\.jwt_expiry[\s\S]*auth\.minimum_password_length/);
	});

	it('reports TOML that does not parse', () => {
		const root = projectWith('[auth\n');
		expect(() => loadStackConfig(root)).toThrow(/Cannot read supabase\/config.toml/);
	});

	it('reads the CLI defaults when a section is absent', () => {
		const config = loadStackConfig(projectWith(''));
		expect(config.ports).toMatchObject({ api: 54321, db: 54322 });
		expect(config.auth).toMatchObject({ jwtExpiry: 3600, minimumPasswordLength: 6, refreshTokenReuseInterval: 10 });
	});

	it('refuses to start on a taken port, names it, and starts nothing', async () => {
		// Below Linux's ephemeral range (32768–60999), so no outgoing connection can hold it.
		const root = projectWith('[api]\nport = 31421\n[db]\nport = 31422\n');
		const squatter = createServer().listen(31422, '127.0.0.1');
		await new Promise((resolve) => squatter.once('listening', resolve));
		try {
			await expect(startStack(root)).rejects.toThrow(/Port 31422 \(Postgres\) is already in use/);
			expect(existsSync(path.join(root, '.local-supabase', 'state.json'))).toBe(false);
		} finally {
			squatter.close();
		}
	});
});
