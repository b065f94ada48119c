// Holes in the local stack that any local process, or any web page open in the developer's
// browser, could use. Each attack is refused, and the control next to it still works.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { ignoredSettings, loadStackConfig } from '../../local-supabase/config.ts';
import {
	PASSWORD,
	REQUEST_TAG_HEADER,
	adminClient,
	anonClient,
	anonKey,
	authDirectUrl,
	authFetch,
	dbUrl,
	fetchJson,
	isLocalStack,
	jwtSecret,
	uniqueEmail,
	url
} from './supabase.ts';

const PUBLIC_DEMO_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

const mint = (secret: string, role: string, exp: number) =>
	new SignJWT({ iss: 'supabase-demo', role, exp })
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.sign(new TextEncoder().encode(secret));

/** Sends raw bytes to the gateway and returns what comes back before it goes quiet. */
function rawRequest(bytes: string): Promise<string> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve, reject) => {
		const socket = connect(Number(port), hostname, () => socket.write(bytes));
		let received = '';
		socket.on('data', (chunk) => (received += chunk.toString()));
		socket.setTimeout(500, () => socket.end());
		socket.on('close', () => resolve(received));
		socket.on('error', reject);
	});
}

/** The auth server's requests by route: those tagged `tag`, or everyone's. */
async function authRoutes(tag?: string): Promise<Record<string, number>> {
	const log = await fetch(`${authDirectUrl}/_local/requests${tag ? `?tag=${tag}` : ''}`);
	return ((await log.json()) as { byRoute: Record<string, number> }).byRoute;
}

describe('the stack’s secrets', () => {
	it('are drawn per checkout: the public demo secret mints nothing here', async () => {
		expect(jwtSecret).toBeTruthy();
		expect(jwtSecret).not.toBe(PUBLIC_DEMO_SECRET);
		const forged = await mint(PUBLIC_DEMO_SECRET, 'service_role', Math.floor(Date.now() / 1000) + 3600);
		const viaGateway = await fetchJson(`${url}/auth/v1/admin/users`, {
			headers: { apikey: forged, authorization: `Bearer ${forged}` }
		});
		expect(viaGateway.status).toBe(401);
		// The control: the stack's own service-role key works.
		expect((await adminClient().auth.admin.listUsers({ perPage: 1 })).error).toBeNull();
	});

	it('keeps a generated secret across loads, and lets config.toml name its own', () => {
		const root = mkdtempSync(path.join(tmpdir(), 'parley-config-'));
		mkdirSync(path.join(root, 'supabase'));
		writeFileSync(path.join(root, 'supabase', 'config.toml'), '[auth]\nsite_url = "http://127.0.0.1:5173"\n');
		const first = loadStackConfig(root).auth.jwtSecret;
		expect(first).toMatch(/^[\w-]{64}$/);
		expect(loadStackConfig(root).auth.jwtSecret).toBe(first);
		const other = mkdtempSync(path.join(tmpdir(), 'parley-config-'));
		mkdirSync(path.join(other, 'supabase'));
		writeFileSync(path.join(other, 'supabase', 'config.toml'), '');
		expect(loadStackConfig(other).auth.jwtSecret).not.toBe(first);

		writeFileSync(
			path.join(root, 'supabase', 'config.toml'),
			'[auth]\njwt_secret = "a-secret-the-suite-brings-along"\n'
		);
		expect(loadStackConfig(root).auth.jwtSecret).toBe('a-secret-the-suite-brings-along');
	});
});

describe('config keys the stack does not honour', () => {
	it('names each one, and none that it honours', () => {
		const ignored = ignoredSettings({
			project_id: 'x',
			api: { port: 54321, schemas: ['public'] },
			auth: {
				site_url: 'http://x',
				enable_anonymous_sign_ins: true,
				additional_redirect_urls: ['http://x'],
				rate_limit: { sms_sent: 30, sign_in_sign_ups: 30 },
				password_requirements: 'letters_digits',
				mfa: { totp: { enroll_enabled: true }, web_authn: { enroll_enabled: true }, phone: { enroll_enabled: true } },
				email: { enable_confirmations: false, secure_password_change: true }
			},
			realtime: { enabled: true },
			studio: { enabled: false }
		});
		expect(ignored.sort()).toEqual(
			[
				'[auth] additional_redirect_urls is not honoured by the local stack',
				'[auth.rate_limit] sms_sent is not honoured by the local stack',
				'[auth] password_requirements is not honoured by the local stack',
				'[auth.mfa] phone is not honoured by the local stack',
				'[auth.email] secure_password_change is not honoured by the local stack',
				'[realtime] is enabled, but the local stack does not run it'
			].sort()
		);
		expect(ignoredSettings({ auth: { enable_anonymous_sign_ins: false, rate_limit: { anonymous_users: 5 } } })).toEqual(
			[]
		);
	});
});

describe.skipIf(!isLocalStack)('the gateway', () => {
	it('refuses a Host that is a name other than localhost (DNS rebinding), and takes loopback on any port', async () => {
		const port = new URL(url).port;
		for (const host of [
			`evil.example:${port}`,
			`127.0.0.1.nip.io:${port}`,
			`localhost.evil.example:${port}`,
			'evil.example',
			`127.1:${port}`,
			`10.0.0.1:${port}`,
			`[::2]:${port}`,
			`127.0.0.1:${port}:80`
		]) {
			const response = await rawRequest(
				`GET /auth/v1/health HTTP/1.1\r\nHost: ${host}\r\napikey: ${anonKey}\r\nConnection: close\r\n\r\n`
			);
			expect(response, host).toMatch(/^HTTP\/1\.1 (421|400) /);
		}
		// A reverse proxy or a counting proxy in front of the stack keeps its own port in Host.
		for (const host of [
			`127.0.0.1:${port}`,
			`localhost:${port}`,
			'127.0.0.1',
			'127.0.0.1:8080',
			'127.0.0.2:9999',
			'LocalHost:3000',
			'[::1]:8080'
		]) {
			const response = await rawRequest(
				`GET /auth/v1/health HTTP/1.1\r\nHost: ${host}\r\napikey: ${anonKey}\r\nConnection: close\r\n\r\n`
			);
			expect(response, host).toMatch(/^HTTP\/1\.1 200 /);
		}
	});

	it('opens only GoTrue’s exact browser routes, never the admin API behind them', async () => {
		const tag = randomUUID();
		const before = await authRoutes(tag);
		for (const path of [
			'/auth/v1/verify/admin/users',
			'/auth/v1/callback/admin/users',
			'/auth/v1/authorize/../admin/users'
		]) {
			const response = await fetchJson(`${url}${path}`, { headers: { [REQUEST_TAG_HEADER]: tag } });
			expect(response.status, path).toBe(401);
		}
		const after = await authRoutes(tag);
		expect(after['GET /admin/users'] ?? 0).toBe(before['GET /admin/users'] ?? 0);
		// The control: the exact open route reaches the auth server without an apikey (which
		// answers a link without a token with a redirect to the site, the error in its fragment).
		const verify = await fetchJson(`${url}/auth/v1/verify`, { redirect: 'manual' });
		expect(verify.status).toBe(303);
		expect(verify.headers.get('location')).toContain('error_code=');
	});

	it('keeps a chunked body framed, so nothing is smuggled behind it', async () => {
		const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
		const chunk = `${smuggled.length.toString(16)}\r\n${smuggled}\r\n0\r\n\r\n`;
		const tag = randomUUID();
		// No one else asks for /smuggled, so everyone's count of it is this test's.
		const before = await authRoutes();
		const response = await rawRequest(
			`DELETE /auth/v1/admin/users/00000000-0000-0000-0000-000000000000 HTTP/1.1\r\nHost: ${new URL(url).host}\r\n` +
				`apikey: ${anonKey}\r\n${REQUEST_TAG_HEADER}: ${tag}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunk}`
		);
		expect(response).toMatch(/^HTTP\/1\.1 4\d\d /);
		await new Promise((resolve) => setTimeout(resolve, 200));
		const after = await authRoutes();
		expect(after['GET /smuggled']).toBe(before['GET /smuggled']);
		expect((await authRoutes(tag))['DELETE /admin/users/00000000-0000-0000-0000-000000000000']).toBe(1);
	});

	it('stops honouring a JWT apikey at its exp, even after it was accepted', async () => {
		const key = await mint(jwtSecret!, 'anon', Math.floor(Date.now() / 1000) + 2);
		const first = await fetchJson(`${url}/auth/v1/settings`, { headers: { apikey: key } });
		expect(first.status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 2500));
		const later = await fetchJson(`${url}/auth/v1/settings`, { headers: { apikey: key } });
		expect(later.status).toBe(401);
	});
});

describe('the auth server', () => {
	it('never opens a session for an existing unconfirmed account without its password', async () => {
		const admin = adminClient();
		const email = uniqueEmail('unconfirmed');
		const created = await admin.auth.admin.createUser({ email, password: PASSWORD });
		expect(created.error).toBeNull();

		const attacker = await anonClient().auth.signUp({ email, password: 'attacker-password' });
		expect(attacker.data.session).toBeNull();
		expect(attacker.error?.code).toBe('user_already_exists');
		const untouched = await admin.auth.admin.getUserById(created.data.user!.id);
		expect(untouched.data.user?.email_confirmed_at).toBeUndefined();
		expect((await anonClient().auth.signInWithPassword({ email, password: 'attacker-password' })).error).not.toBeNull();

		// The control: the owner's own password confirms the account and signs them in.
		const owner = await anonClient().auth.signUp({ email, password: PASSWORD });
		expect(owner.error).toBeNull();
		expect(owner.data.session?.user.id).toBe(created.data.user!.id);
	});

	it('spends a bcrypt round on an unknown email, and checks a ban only after the password', async () => {
		const admin = adminClient();
		const email = uniqueEmail('timing');
		const { data } = await admin.auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
		// Hashed at GoTrue's cost, as a real account is: `npm test` starts the stack hashing new
		// passwords at bcrypt's least, which no timing could tell from no hashing at all.
		const sql = postgres(dbUrl ?? '', { max: 1, onnotice: () => {} });
		await sql`update auth.users set encrypted_password = ${bcrypt.hashSync(PASSWORD, 10)} where id = ${data.user!.id}`;
		await sql.end();
		const time = async (login: string, password: string) => {
			const started = performance.now();
			await anonClient().auth.signInWithPassword({ email: login, password });
			return performance.now() - started;
		};
		const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
		const unknown: number[] = [];
		const wrong: number[] = [];
		for (let round = 0; round < 5; round++) {
			unknown.push(await time(uniqueEmail('nobody'), 'some-password'));
			wrong.push(await time(email, 'wrong-password'));
		}
		// bcrypt at cost 10 takes tens of milliseconds; an early answer takes about one.
		expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.5);

		await admin.auth.admin.updateUserById(data.user!.id, { ban_duration: '24h' });
		const guess = await anonClient().auth.signInWithPassword({ email, password: 'wrong-password' });
		expect(guess.error?.code).toBe('invalid_credentials');
		const owner = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
		expect(owner.error?.code).toBe('user_banned');
	});

	it('lets the admin update a user (updateUserById), and no one else', async () => {
		const admin = adminClient();
		const email = uniqueEmail('update');
		const { data } = await admin.auth.admin.createUser({ email, password: PASSWORD, user_metadata: { a: 1, b: 2 } });
		const id = data.user!.id;
		const newEmail = uniqueEmail('updated');
		const updated = await admin.auth.admin.updateUserById(id, {
			email: newEmail,
			password: 'a-new-password',
			email_confirm: true,
			user_metadata: { b: null, c: 3 },
			app_metadata: { plan: 'pro' }
		});
		expect(updated.error).toBeNull();
		expect(updated.data.user).toMatchObject({
			email: newEmail,
			user_metadata: { a: 1, c: 3, email_verified: true },
			app_metadata: { provider: 'email', plan: 'pro' }
		});
		expect(updated.data.user?.email_confirmed_at).toBeTruthy();
		expect(
			(await anonClient().auth.signInWithPassword({ email: newEmail, password: 'a-new-password' })).error
		).toBeNull();

		const bad = await admin.auth.admin.updateUserById(id, { ban_duration: 'forever' });
		expect(bad.error?.status).toBe(400);
		const missing = await admin.auth.admin.updateUserById('00000000-0000-0000-0000-000000000000', {
			user_metadata: {}
		});
		expect(missing.error?.status).toBe(404);
		const taken = await admin.auth.admin.updateUserById(id, { email });
		expect(taken.error).toBeNull();

		// A signed-in person's own token is refused, and nothing changed.
		const person = await anonClient().auth.signInWithPassword({ email, password: 'a-new-password' });
		const refused = await authFetch(`/admin/users/${id}`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${person.data.session!.access_token}` },
			body: JSON.stringify({ role: 'service_role' })
		});
		expect(refused.status).toBe(403);
		expect((await admin.auth.admin.getUserById(id)).data.user?.role).toBe('authenticated');
	});
});
