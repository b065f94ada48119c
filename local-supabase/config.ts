// Reads supabase/config.toml, the one source of settings shared with `supabase start`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';

const port = z.number().int().min(1024).max(65535);

const tomlSchema = z.looseObject({
	api: z
		.looseObject({
			port: port.default(54321),
			schemas: z.array(z.string().min(1)).min(1).default(['public', 'graphql_public']),
			extra_search_path: z.array(z.string().min(1)).default(['public', 'extensions']),
			max_rows: z.number().int().positive().default(1000)
		})
		.prefault({}),
	db: z
		.looseObject({
			port: port.default(54322),
			major_version: z.literal(17, { error: 'the embedded Postgres is major version 17' }).default(17),
			seed: z
				.looseObject({
					enabled: z.boolean().default(true),
					sql_paths: z.array(z.string()).default(['./seed.sql'])
				})
				.prefault({})
		})
		.prefault({}),
	auth: z
		.looseObject({
			site_url: z.url().default('http://127.0.0.1:3000'),
			jwt_expiry: z.number().int().min(30).max(604800).default(3600),
			jwt_secret: z.string().min(16).optional(),
			enable_signup: z.boolean().default(true),
			minimum_password_length: z.number().int().min(6).max(72).default(6),
			enable_refresh_token_rotation: z.boolean().default(true),
			refresh_token_reuse_interval: z.number().int().min(0).default(10),
			signing_keys_path: z.string().min(1).optional(),
			email: z
				.looseObject({
					enable_signup: z.boolean().default(true),
					enable_confirmations: z.boolean().default(false)
				})
				.prefault({})
		})
		.prefault({})
});

/** The auth server's behaviour, as [auth] in config.toml sets it. */
export interface AuthSettings {
	siteUrl: string;
	issuer: string;
	jwtExpiry: number;
	jwtSecret: string;
	enableSignup: boolean;
	enableEmailSignup: boolean;
	enableConfirmations: boolean;
	minimumPasswordLength: number;
	enableRefreshTokenRotation: boolean;
	refreshTokenReuseInterval: number;
	/** Absolute path of a JWK array, or undefined for the stack's own generated key. */
	signingKeysPath: string | undefined;
}

export interface StackConfig {
	projectRoot: string;
	supabaseDir: string;
	/** Everything the running stack writes: database files, logs, state. Gitignored. */
	dataDir: string;
	ports: {
		api: number;
		db: number;
		rest: number;
		restAdmin: number;
		auth: number;
	};
	api: { schemas: string[]; extraSearchPath: string[]; maxRows: number };
	seed: { enabled: boolean; sqlPaths: string[] };
	auth: AuthSettings;
}

// The CLI's well-known local secret: clients built for `supabase start` work unchanged.
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

export class ConfigError extends Error {
	override name = 'ConfigError';
}

export function loadStackConfig(projectRoot: string): StackConfig {
	const supabaseDir = path.join(projectRoot, 'supabase');
	const file = path.join(supabaseDir, 'config.toml');
	let raw: unknown;
	try {
		raw = parseToml(readFileSync(file, 'utf8'));
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw new ConfigError(`Cannot read ${path.relative(projectRoot, file)}: ${reason}`);
	}
	const parsed = tomlSchema.safeParse(raw);
	if (!parsed.success) {
		const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
		throw new ConfigError(`Invalid supabase/config.toml:\n${problems.join('\n')}`);
	}
	const { api, db, auth } = parsed.data;
	// Internal services sit just above the CLI's own port block.
	const base = api.port + 10;
	return {
		projectRoot,
		supabaseDir,
		dataDir: path.join(projectRoot, '.local-supabase'),
		ports: { api: api.port, db: db.port, rest: base, restAdmin: base + 1, auth: base + 2 },
		api: { schemas: api.schemas, extraSearchPath: api.extra_search_path, maxRows: api.max_rows },
		seed: { enabled: db.seed.enabled, sqlPaths: db.seed.sql_paths },
		auth: {
			siteUrl: auth.site_url,
			issuer: `http://127.0.0.1:${api.port}/auth/v1`,
			jwtExpiry: auth.jwt_expiry,
			jwtSecret: auth.jwt_secret ?? DEFAULT_JWT_SECRET,
			enableSignup: auth.enable_signup,
			enableEmailSignup: auth.email.enable_signup,
			enableConfirmations: auth.email.enable_confirmations,
			minimumPasswordLength: auth.minimum_password_length,
			enableRefreshTokenRotation: auth.enable_refresh_token_rotation,
			refreshTokenReuseInterval: auth.refresh_token_reuse_interval,
			signingKeysPath: auth.signing_keys_path ? path.resolve(supabaseDir, auth.signing_keys_path) : undefined
		}
	};
}

export const dbUrl = (config: StackConfig, user = 'postgres', password = 'postgres') =>
	`postgresql://${user}:${password}@127.0.0.1:${config.ports.db}/postgres`;
