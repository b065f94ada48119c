// Reads supabase/config.toml, the one source of settings shared with `supabase start`.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';

const port = z.number().int().min(1024).max(65535);

const templateSchema = z
	.looseObject({ subject: z.string().optional(), content_path: z.string().optional() })
	.optional();

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
			enable_anonymous_sign_ins: z.boolean().default(false),
			enable_manual_linking: z.boolean().default(false),
			minimum_password_length: z.number().int().min(6).max(72).default(6),
			enable_refresh_token_rotation: z.boolean().default(true),
			refresh_token_reuse_interval: z.number().int().min(0).default(10),
			signing_keys_path: z.string().min(1).optional(),
			// The CLI's defaults. Per IP address: anonymous_users per hour, the rest per 5 minutes.
			rate_limit: z
				.looseObject({
					anonymous_users: z.number().int().min(1).default(30),
					token_refresh: z.number().int().min(1).default(150),
					sign_in_sign_ups: z.number().int().min(1).default(30),
					token_verifications: z.number().int().min(1).default(30),
					email_sent: z.number().int().min(1).default(2)
				})
				.prefault({}),
			// Passkey sign-ins (GoTrue's default: off), with the relying party [auth.webauthn] names.
			passkey: z.looseObject({ enabled: z.boolean().default(false) }).prefault({}),
			webauthn: z
				.looseObject({
					rp_display_name: z.string().default('Supabase'),
					rp_id: z.string().default('localhost'),
					rp_origins: z.array(z.string()).default([])
				})
				.prefault({}),
			// The CLI's defaults: TOTP on, WebAuthn off, ten factors. Phone factors are not implemented.
			mfa: z
				.looseObject({
					max_enrolled_factors: z.number().int().min(0).default(10),
					totp: z
						.looseObject({ enroll_enabled: z.boolean().default(true), verify_enabled: z.boolean().default(true) })
						.prefault({}),
					web_authn: z
						.looseObject({ enroll_enabled: z.boolean().default(false), verify_enabled: z.boolean().default(false) })
						.prefault({})
				})
				.prefault({}),
			email: z
				.looseObject({
					enable_signup: z.boolean().default(true),
					enable_confirmations: z.boolean().default(false),
					double_confirm_changes: z.boolean().default(true),
					smtp: z
						.looseObject({
							enabled: z.boolean().default(true),
							host: z.string().min(1),
							port: z.number().int().min(1).max(65535),
							user: z.string().optional(),
							pass: z.string().optional(),
							admin_email: z.email(),
							sender_name: z.string().optional()
						})
						.optional(),
					// Go durations, as the CLI writes them ("60s", "1m").
					max_frequency: z.string().default('60s'),
					otp_expiry: z.number().int().min(60).max(86400).default(3600),
					template: z
						.looseObject({
							recovery: templateSchema,
							confirmation: templateSchema,
							email_change: templateSchema,
							magic_link: templateSchema,
							invite: templateSchema,
							reauthentication: templateSchema
						})
						.prefault({})
				})
				.prefault({})
		})
		.prefault({}),
	local_smtp: z
		.looseObject({
			enabled: z.boolean().default(false),
			port: port.default(54324)
		})
		.prefault({}),
	storage: z
		.looseObject({
			enabled: z.boolean().default(true),
			file_size_limit: z.string().default('50MiB')
		})
		.prefault({})
});

/** A mail the auth server sends from one of config.toml's templates, or GoTrue's default. */
export interface MailTemplate {
	subject: string | undefined;
	/** Absolute path of the HTML template. */
	contentPath: string | undefined;
}

/** The auth server's behaviour, as [auth] in config.toml sets it. */
export interface AuthSettings {
	siteUrl: string;
	issuer: string;
	jwtExpiry: number;
	jwtSecret: string;
	enableSignup: boolean;
	enableAnonymousSignIns: boolean;
	enableEmailSignup: boolean;
	enableConfirmations: boolean;
	minimumPasswordLength: number;
	enableRefreshTokenRotation: boolean;
	refreshTokenReuseInterval: number;
	/** Absolute path of a JWK array, or undefined for the stack's own generated key. */
	signingKeysPath: string | undefined;
	/** Where mail goes: the local outbox's delivery URL, or undefined when [local_smtp] is off. */
	mailUrl: string | undefined;
	/** When set, mail goes out through this SMTP server instead of the outbox. */
	smtp: SmtpSettings | undefined;
	/** How soon the same address may be sent another mail, in seconds. */
	emailMaxFrequency: number;
	/** How long an emailed link or code stays valid, in seconds. */
	otpExpiry: number;
	templates: Record<
		'recovery' | 'confirmation' | 'email_change' | 'magic_link' | 'invite' | 'reauthentication',
		MailTemplate
	>;
	/** Identities may be linked to an account by hand; this server links none, and says so. */
	enableManualLinking: boolean;
	/** An email change needs the links sent to both the old and the new address. */
	doubleConfirmChanges: boolean;
	rateLimits: RateLimitSettings;
	/** [auth.passkey] and [auth.webauthn]: passkey sign-ins and their relying party. */
	passkeys: { enabled: boolean; rpName: string; rpId: string; rpOrigins: string[] };
	/** [auth.mfa]: TOTP and WebAuthn factors, and how many factors a user may enroll. */
	mfa: {
		maxEnrolledFactors: number;
		totpEnroll: boolean;
		totpVerify: boolean;
		webauthnEnroll: boolean;
		webauthnVerify: boolean;
	};
}

/** [auth.rate_limit]: requests per IP address, as GoTrue's token buckets refill. */
export interface RateLimitSettings {
	/** Anonymous sign-ins per hour. */
	anonymousUsers: number;
	/** Password sign-ins and refreshes (POST /token) per 5 minutes. */
	tokenRefresh: number;
	/** Sign-ups, and requests that send a mail or change the user, per 5 minutes. */
	signInSignUps: number;
	/** Link and code verifications per 5 minutes. */
	tokenVerifications: number;
	/** Mails per hour, across the instance; only with [auth.email.smtp], as in the CLI. */
	emailSent: number;
	/**
	 * The header whose first value keys the per-IP buckets when Sb-Forwarded-For does not (GoTrue's
	 * GOTRUE_RATE_LIMIT_HEADER, read from the same environment variable). Unset, as under the CLI,
	 * only Sb-Forwarded-For is limited.
	 */
	rateLimitHeader?: string;
}

/** [auth.email.smtp]: a real mail server, instead of the local outbox. */
export interface SmtpSettings {
	host: string;
	port: number;
	user: string | undefined;
	pass: string | undefined;
	adminEmail: string;
	senderName: string | undefined;
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
		/** The mail outbox, when [local_smtp] is enabled. */
		mail: number | undefined;
		/** The storage server, when [storage] is enabled. */
		storage: number | undefined;
	};
	api: { schemas: string[]; extraSearchPath: string[]; maxRows: number };
	seed: { enabled: boolean; sqlPaths: string[] };
	auth: AuthSettings;
	/** `[storage] file_size_limit` in bytes: no upload to any bucket may be larger. */
	storage: { fileSizeLimit: number };
	/** Settings in config.toml this stack does not honour, one sentence each, for a warning at start. */
	ignored: string[];
}

/**
 * The HS256 secret every legacy API key derives from. The CLI's is a public demo string, so anyone
 * could mint a service_role token for any checkout; this stack draws a random one per checkout
 * instead. A jwt_secret in config.toml still wins, for suites that bring their own.
 */
function checkoutJwtSecret(dataDir: string): string {
	const file = path.join(dataDir, 'jwt_secret');
	if (!existsSync(file)) {
		mkdirSync(dataDir, { recursive: true });
		writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
	}
	return readFileSync(file, 'utf8').trim();
}

// What this stack honours, key by key. Sections of services it does not run are only worth a
// warning when they are switched on.
const HONOURED = new Set([
	'project_id',
	'api.enabled',
	'api.port',
	'api.schemas',
	'api.extra_search_path',
	'api.max_rows',
	'db.port',
	'db.major_version',
	'db.migrations.enabled',
	'db.seed.enabled',
	'db.seed.sql_paths',
	'auth.enabled',
	'auth.site_url',
	'auth.jwt_expiry',
	'auth.jwt_secret',
	'auth.enable_signup',
	'auth.enable_anonymous_sign_ins',
	'auth.enable_manual_linking',
	'auth.minimum_password_length',
	'auth.enable_refresh_token_rotation',
	'auth.refresh_token_reuse_interval',
	'auth.signing_keys_path',
	'auth.rate_limit.anonymous_users',
	'auth.rate_limit.token_refresh',
	'auth.rate_limit.sign_in_sign_ups',
	'auth.rate_limit.token_verifications',
	'auth.rate_limit.email_sent',
	'auth.passkey.enabled',
	'auth.webauthn.rp_display_name',
	'auth.webauthn.rp_id',
	'auth.webauthn.rp_origins',
	'auth.mfa.max_enrolled_factors',
	'auth.mfa.totp.enroll_enabled',
	'auth.mfa.totp.verify_enabled',
	'auth.mfa.web_authn.enroll_enabled',
	'auth.mfa.web_authn.verify_enabled',
	'auth.email.smtp.enabled',
	'auth.email.smtp.host',
	'auth.email.smtp.port',
	'auth.email.smtp.user',
	'auth.email.smtp.pass',
	'auth.email.smtp.admin_email',
	'auth.email.smtp.sender_name',
	'auth.email.enable_signup',
	'auth.email.enable_confirmations',
	'auth.email.max_frequency',
	'auth.email.otp_expiry',
	'auth.email.double_confirm_changes',
	...['recovery', 'confirmation', 'email_change', 'magic_link', 'invite', 'reauthentication'].flatMap((kind) => [
		`auth.email.template.${kind}.subject`,
		`auth.email.template.${kind}.content_path`
	]),
	'local_smtp.enabled',
	'local_smtp.port',
	'storage.enabled',
	'storage.file_size_limit'
]);
const IMPLEMENTED_SECTIONS = new Set(['api', 'db', 'auth', 'local_smtp', 'storage']);

function isTable(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every setting the stack would silently ignore, named. */
export function ignoredSettings(raw: Record<string, unknown>): string[] {
	const ignored: string[] = [];
	const visit = (table: Record<string, unknown>, prefix: string) => {
		for (const [key, value] of Object.entries(table)) {
			const name = prefix ? `${prefix}.${key}` : key;
			if (HONOURED.has(name)) continue;
			if (isTable(value) && [...HONOURED].some((known) => known.startsWith(`${name}.`))) visit(value, name);
			else ignored.push(`[${prefix || 'top level'}] ${key} is not honoured by the local stack`);
		}
	};
	for (const [section, value] of Object.entries(raw)) {
		if (IMPLEMENTED_SECTIONS.has(section) && isTable(value)) visit({ [section]: value }, '');
		else if (isTable(value) && value.enabled === true)
			ignored.push(`[${section}] is enabled, but the local stack does not run it`);
		else if (!isTable(value) && !HONOURED.has(section))
			ignored.push(`[top level] ${section} is not honoured by the local stack`);
	}
	if (isTable(raw.db) && isTable(raw.db.migrations) && raw.db.migrations.enabled === false) {
		ignored.push('[db.migrations] enabled = false is not honoured: the local stack always applies migrations');
	}
	return ignored;
}

/** The CLI's env(NAME) syntax, so a password can stay out of config.toml. */
function fromEnv(value: string | undefined): string | undefined {
	const match = value === undefined ? null : /^env\((\w+)\)$/.exec(value);
	if (!match) return value;
	const found = process.env[match[1]];
	if (found === undefined) throw new ConfigError(`Invalid supabase/config.toml: env(${match[1]}) is not set`);
	return found;
}

function smtpSettings(
	smtp:
		| {
				enabled: boolean;
				host: string;
				port: number;
				user?: string;
				pass?: string;
				admin_email: string;
				sender_name?: string;
		  }
		| undefined
): SmtpSettings | undefined {
	if (!smtp?.enabled) return undefined;
	return {
		host: fromEnv(smtp.host) ?? smtp.host,
		port: smtp.port,
		user: fromEnv(smtp.user),
		pass: fromEnv(smtp.pass),
		adminEmail: smtp.admin_email,
		senderName: smtp.sender_name
	};
}

/** As the CLI reads content_path: relative to the project root ("./supabase/templates/…"). */
function mailTemplate(projectRoot: string, template: z.infer<typeof templateSchema>): MailTemplate {
	return {
		subject: template?.subject,
		contentPath: template?.content_path ? path.resolve(projectRoot, template.content_path) : undefined
	};
}

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
	const { api, db, auth, local_smtp: mail, storage } = parsed.data;
	const fileSizeLimit = parseConfigSize(storage.file_size_limit);
	if (fileSizeLimit === undefined) {
		throw new ConfigError(`Invalid supabase/config.toml:\n  storage.file_size_limit: not a size like "50MiB"`);
	}
	const maxFrequency = parseGoSeconds(auth.email.max_frequency);
	if (maxFrequency === undefined) {
		throw new ConfigError(`Invalid supabase/config.toml:\n  auth.email.max_frequency: not a duration like "60s"`);
	}
	const dataDir = path.join(projectRoot, '.local-supabase');
	// Internal services sit just above the CLI's own port block.
	const base = api.port + 10;
	return {
		projectRoot,
		supabaseDir,
		dataDir,
		ports: {
			api: api.port,
			db: db.port,
			rest: base,
			restAdmin: base + 1,
			auth: base + 2,
			mail: mail.enabled ? mail.port : undefined,
			storage: storage.enabled ? base + 3 : undefined
		},
		api: { schemas: api.schemas, extraSearchPath: api.extra_search_path, maxRows: api.max_rows },
		seed: { enabled: db.seed.enabled, sqlPaths: db.seed.sql_paths },
		auth: {
			siteUrl: auth.site_url,
			issuer: `http://127.0.0.1:${api.port}/auth/v1`,
			jwtExpiry: auth.jwt_expiry,
			jwtSecret: auth.jwt_secret ?? checkoutJwtSecret(dataDir),
			enableSignup: auth.enable_signup,
			enableAnonymousSignIns: auth.enable_anonymous_sign_ins,
			enableEmailSignup: auth.email.enable_signup,
			enableConfirmations: auth.email.enable_confirmations,
			minimumPasswordLength: auth.minimum_password_length,
			enableRefreshTokenRotation: auth.enable_refresh_token_rotation,
			refreshTokenReuseInterval: auth.refresh_token_reuse_interval,
			signingKeysPath: auth.signing_keys_path ? path.resolve(supabaseDir, auth.signing_keys_path) : undefined,
			mailUrl: mail.enabled ? `http://127.0.0.1:${mail.port}/_local/deliver` : undefined,
			smtp: smtpSettings(auth.email.smtp),
			emailMaxFrequency: maxFrequency,
			otpExpiry: auth.email.otp_expiry,
			templates: {
				recovery: mailTemplate(projectRoot, auth.email.template.recovery),
				confirmation: mailTemplate(projectRoot, auth.email.template.confirmation),
				email_change: mailTemplate(projectRoot, auth.email.template.email_change),
				magic_link: mailTemplate(projectRoot, auth.email.template.magic_link),
				invite: mailTemplate(projectRoot, auth.email.template.invite),
				reauthentication: mailTemplate(projectRoot, auth.email.template.reauthentication)
			},
			enableManualLinking: auth.enable_manual_linking,
			passkeys: {
				enabled: auth.passkey.enabled,
				rpName: auth.webauthn.rp_display_name,
				rpId: auth.webauthn.rp_id,
				rpOrigins: auth.webauthn.rp_origins
			},
			mfa: {
				maxEnrolledFactors: auth.mfa.max_enrolled_factors,
				totpEnroll: auth.mfa.totp.enroll_enabled,
				totpVerify: auth.mfa.totp.verify_enabled,
				webauthnEnroll: auth.mfa.web_authn.enroll_enabled,
				webauthnVerify: auth.mfa.web_authn.verify_enabled
			},
			doubleConfirmChanges: auth.email.double_confirm_changes,
			rateLimits: {
				anonymousUsers: auth.rate_limit.anonymous_users,
				tokenRefresh: auth.rate_limit.token_refresh,
				signInSignUps: auth.rate_limit.sign_in_sign_ups,
				tokenVerifications: auth.rate_limit.token_verifications,
				emailSent: auth.rate_limit.email_sent,
				rateLimitHeader: process.env.GOTRUE_RATE_LIMIT_HEADER?.trim() || undefined
			}
		},
		storage: { fileSizeLimit },
		ignored: ignoredSettings(raw as Record<string, unknown>)
	};
}

export const dbUrl = (config: StackConfig, user = 'postgres', password = 'postgres') =>
	`postgresql://${user}:${password}@127.0.0.1:${config.ports.db}/postgres`;

const SIZE_UNITS: Record<string, number> = {
	b: 1,
	kb: 1e3,
	mb: 1e6,
	gb: 1e9,
	kib: 1024,
	mib: 1024 ** 2,
	gib: 1024 ** 3
};

/** A size as the CLI reads `[storage] file_size_limit` ("50MiB", "10MB"), in bytes. */
export function parseConfigSize(text: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)$/i.exec(text.trim());
	return match ? Math.round(Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()]) : undefined;
}

/** A Go duration of seconds, minutes and hours ("60s", "1m30s"), in whole seconds. */
export function parseGoSeconds(text: string): number | undefined {
	const units: Record<string, number> = { h: 3600, m: 60, s: 1 };
	if (!/^(\d+[hms])+$/.test(text)) return undefined;
	let seconds = 0;
	for (const [, amount, unit] of text.matchAll(/(\d+)([hms])/g)) seconds += Number(amount) * units[unit];
	return seconds;
}
