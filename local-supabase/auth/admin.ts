// The admin user API, for service_role (or supabase_admin) bearers only.
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import {
	AUDIENCE,
	type AuthDeps,
	UUID_FORMAT,
	assertPasswordLength,
	assertPasswordStrength,
	hashPassword,
	metadata,
	optionalString,
	readJson,
	requireAdmin,
	validateEmail
} from './context.ts';
import { badRequest, notFound, unprocessable } from './errors.ts';
import * as store from './store.ts';
import * as mfaStore from './mfa-store.ts';
import { factorJson, userJson } from './users.ts';

const DEFAULT_PER_PAGE = 50;

const createParams = z.looseObject({
	email: optionalString,
	phone: optionalString,
	password: optionalString,
	email_confirm: z.boolean().nullish(),
	user_metadata: metadata.nullish(),
	app_metadata: metadata.nullish(),
	role: optionalString
});

function pageParam(value: string | undefined, fallback: number): number {
	if (value === undefined || value === '') return fallback;
	if (!/^\d+$/.test(value)) {
		throw badRequest(
			'validation_failed',
			`Bad Pagination Parameters: strconv.ParseUint: parsing "${value}": invalid syntax`
		);
	}
	return Number(value);
}

export async function listUsers(c: Context, deps: AuthDeps) {
	await requireAdmin(c, deps);
	const page = Math.max(1, pageParam(c.req.query('page'), 1));
	const perPage = Math.max(1, pageParam(c.req.query('per_page'), DEFAULT_PER_PAGE));
	const { users, total } = await store.listUsers(deps.sql, AUDIENCE, page, perPage);

	const url = new URL(c.req.url);
	const link = (target: number) => {
		url.searchParams.set('page', String(target));
		return `<${url.pathname}${url.search}>`;
	};
	const lastPage = Math.max(1, Math.ceil(total / perPage));
	const links = page < lastPage ? [`${link(page + 1)}; rel="next"`] : [];
	links.push(`${link(lastPage)}; rel="last"`);
	c.header('Link', links.join(', '));
	c.header('X-Total-Count', String(total));
	return c.json({ users: users.map(userJson), aud: AUDIENCE });
}

export async function createUser(c: Context, deps: AuthDeps) {
	await requireAdmin(c, deps);
	const params = await readJson(c, createParams);
	if (!params.email && !params.phone) {
		throw badRequest('validation_failed', 'Cannot create a user without either an email or phone');
	}
	if (params.phone) throw badRequest('validation_failed', 'Phone users are not supported by the local auth server');
	const email = validateEmail(params.email);
	if (await store.findUserByEmail(deps.sql, email, AUDIENCE)) {
		throw unprocessable('email_exists', 'A user with this email address has already been registered');
	}
	// Without a password GoTrue sets a random one, so the account can only be entered another way.
	const password = params.password || randomBytes(48).toString('base64url');
	assertPasswordLength(password);
	const id = await store.createEmailUser(deps.sql, {
		email,
		encryptedPassword: await hashPassword(password),
		aud: AUDIENCE,
		role: params.role || AUDIENCE,
		userMetadata: params.user_metadata ?? {},
		appMetadata: { provider: 'email', providers: ['email'], ...(params.app_metadata ?? {}) },
		confirmed: params.email_confirm === true,
		confirmationSentAt: false
	});
	const user = await store.findUserById(deps.sql, id);
	return c.json(user ? userJson(user) : {});
}

/** The user an admin route names (`:id`), after checking the caller is an admin. */
export async function loadUser(c: Context, deps: AuthDeps): Promise<store.UserRow> {
	await requireAdmin(c, deps);
	const id = c.req.param('id') ?? '';
	if (!UUID_FORMAT.test(id)) throw notFound('validation_failed', 'user_id must be an UUID');
	const user = await store.findUserById(deps.sql, id);
	if (!user) throw notFound('user_not_found', 'User not found');
	return user;
}

export async function getUser(c: Context, deps: AuthDeps) {
	return c.json(userJson(await loadUser(c, deps)));
}

// What updateUserById may change: what a create sets, plus a ban.
const updateParams = createParams.extend({ ban_duration: optionalString });

const DURATION_UNITS: Record<string, number> = {
	ns: 1e-6,
	us: 1e-3,
	µs: 1e-3,
	ms: 1,
	s: 1000,
	m: 60_000,
	h: 3_600_000
};

/** Go's time.ParseDuration, which GoTrue reads ban_duration with: "24h", "1h30m", "90s". */
export function parseGoDuration(text: string): number | undefined {
	const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
	if (!match && text !== '0') return undefined;
	let total = 0;
	for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
		total += Number(amount) * DURATION_UNITS[unit];
	}
	return match?.[1] === '-' ? -total : total;
}

/** auth-js's updateUserById: the admin changes a user without any confirmation. */
export async function updateUser(c: Context, deps: AuthDeps) {
	const user = await loadUser(c, deps);
	const params = await readJson(c, updateParams);
	if (params.phone) throw badRequest('validation_failed', 'Phone users are not supported by the local auth server');
	const changes: store.AdminUserChanges = {
		confirmEmail: params.email_confirm === true,
		userMetadata: params.user_metadata ?? undefined,
		appMetadata: params.app_metadata ?? undefined,
		role: params.role || undefined
	};
	if (params.email) {
		const email = validateEmail(params.email);
		const taken = await store.findUserByEmail(deps.sql, email, AUDIENCE);
		if (taken && taken.id !== user.id) {
			throw unprocessable('email_exists', 'A user with this email address has already been registered');
		}
		changes.email = email;
	}
	if (params.password) {
		assertPasswordStrength(deps.settings, params.password);
		changes.encryptedPassword = await hashPassword(params.password);
	}
	if (params.ban_duration) {
		if (params.ban_duration === 'none') changes.bannedUntil = null;
		else {
			const duration = parseGoDuration(params.ban_duration);
			if (duration === undefined) {
				throw badRequest(
					'validation_failed',
					`invalid format for ban duration: time: invalid duration "${params.ban_duration}"`
				);
			}
			changes.bannedUntil = new Date(Date.now() + duration);
		}
	}
	await store.updateUserByAdmin(deps.sql, user.id, changes);
	const updated = await store.findUserById(deps.sql, user.id);
	return c.json(updated ? userJson(updated) : {});
}

export async function deleteUser(c: Context, deps: AuthDeps) {
	const user = await loadUser(c, deps);
	await store.deleteUser(deps.sql, user.id);
	return c.json({});
}

/** A user's factors, verified or not, as GoTrue lists them for an admin. */
export async function listFactors(c: Context, deps: AuthDeps) {
	const user = await loadUser(c, deps);
	return c.json(user.factors.map(factorJson));
}

/** Removes one of a user's factors; the sessions it raised go back to aal1. */
export async function deleteFactor(c: Context, deps: AuthDeps) {
	const user = await loadUser(c, deps);
	const factorId = c.req.param('factor_id') ?? '';
	if (!UUID_FORMAT.test(factorId)) throw notFound('validation_failed', 'factor_id must be an UUID');
	const factor = await mfaStore.ownedFactor(deps.sql, user.id, factorId);
	if (!factor) throw notFound('mfa_factor_not_found', 'Factor not found');
	await deps.sql.begin((tx) => mfaStore.deleteFactor(tx, factor));
	return c.json(factorJson(user.factors.find((listed) => listed.id === factor.id)!));
}
