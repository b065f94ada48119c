// Anonymous sign-ins and [auth.rate_limit], checked against what GoTrue answers: the stack's own
// auth server (anonymous sign-ins on, in config.toml) for the guest's life, and a second instance
// with other settings for the refusals and the per-IP buckets.
import type { SupabaseClient } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { startAuthServer } from './auth-server.ts';
import { adminClient, anonClient, dbUrl, PASSWORD, signedUpUser, uniqueEmail } from './supabase.ts';

type Client = SupabaseClient<Database>;

async function guest() {
	const client = anonClient() as Client;
	const { data, error } = await client.auth.signInAnonymously();
	expect(error).toBeNull();
	return { client, session: data.session!, user: data.user! };
}

describe('anonymous sign-ins', () => {
	it('opens a session for a user with no email, identity or app_metadata, marked anonymous', async () => {
		const { session, user } = await guest();
		expect(user).toMatchObject({ aud: 'authenticated', role: 'authenticated', email: '', is_anonymous: true });
		expect(user.app_metadata).toEqual({});
		expect(user.identities).toEqual([]);
		const claims = decodeJwt(session.access_token);
		expect(claims).toMatchObject({ sub: user.id, role: 'authenticated', is_anonymous: true });
		expect((claims.amr as { method: string }[])[0].method).toBe('anonymous');
		const { data: row } = await adminClient().auth.admin.getUserById(user.id);
		expect(row.user?.is_anonymous).toBe(true);
	});

	it('lets a guest chat under the guest plan, behind RLS like anyone else', async () => {
		const a = await guest();
		const posted = await a.client.rpc('post_message', {
			p_message_id: crypto.randomUUID(),
			p_content: 'Hi as a guest'
		});
		expect(posted.error).toBeNull();
		const usage = await a.client.rpc('my_usage');
		expect(usage.data).toEqual([
			{ plan: 'guest', replies_used: 1, replies_per_period: 20, period_seconds: 86_400, concurrent_replies: 1 }
		]);
		const b = await guest();
		const { data: seen } = await b.client.from('chat_messages').select('id');
		expect(seen).toEqual([]);
	});

	it('turns a guest into a member with an email and password, keeping the id and the chats', async () => {
		const a = await guest();
		const posted = await a.client.rpc('post_message', { p_message_id: crypto.randomUUID(), p_content: 'Keep me' });
		const sessionId = posted.data![0].session_id;
		const email = uniqueEmail('upgraded');

		const passwordOnly = await a.client.auth.updateUser({ password: PASSWORD });
		expect(passwordOnly.error).toMatchObject({ status: 422, code: 'validation_failed' });

		const { data, error } = await a.client.auth.updateUser({ email, password: PASSWORD });
		expect(error).toBeNull();
		expect(data.user).toMatchObject({ id: a.user.id, email, is_anonymous: false });
		expect(data.user?.email_confirmed_at).toBeTruthy();
		expect(data.user?.app_metadata).toMatchObject({ provider: 'email', providers: ['email'] });
		expect(data.user?.identities?.map((identity) => identity.provider)).toEqual(['email']);

		const again = anonClient() as Client;
		const signedIn = await again.auth.signInWithPassword({ email, password: PASSWORD });
		expect(signedIn.error).toBeNull();
		expect(signedIn.data.user?.id).toBe(a.user.id);
		expect(decodeJwt(signedIn.data.session!.access_token).is_anonymous).toBe(false);
		const { data: chats } = await again.from('chat_sessions').select('id');
		expect(chats).toEqual([{ id: sessionId }]);
		const usage = await again.rpc('my_usage');
		expect(usage.data![0].plan).toBe('member');
	});

	it('refuses an email another account has, and leaves the guest a guest', async () => {
		const taken = uniqueEmail('taken');
		await adminClient().auth.admin.createUser({ email: taken, password: PASSWORD, email_confirm: true });
		const a = await guest();
		const { error } = await a.client.auth.updateUser({ email: taken, password: PASSWORD });
		expect(error).toMatchObject({ status: 422, code: 'email_exists' });
		const { data } = await adminClient().auth.admin.getUserById(a.user.id);
		expect(data.user).toMatchObject({ is_anonymous: true, email: '' });
	});
});

describe('purging guests left unused', () => {
	const sql = postgres(dbUrl ?? '', { max: 1, onnotice: () => {} });
	afterAll(() => sql.end());

	/** Moves every trace of the person's activity back by the given number of days. */
	async function age(userId: string, days: number) {
		const shift = `${days} days`;
		await sql`update auth.users set created_at = created_at - ${shift}::interval,
			last_sign_in_at = last_sign_in_at - ${shift}::interval where id = ${userId}`;
		await sql`update auth.sessions set created_at = created_at - ${shift}::interval,
			updated_at = updated_at - ${shift}::interval, refreshed_at = refreshed_at - ${shift}::interval
			where user_id = ${userId}`;
		await sql`update public.chat_sessions set updated_at = updated_at - ${shift}::interval where user_id = ${userId}`;
	}
	const exists = async (userId: string) => (await sql`select 1 from auth.users where id = ${userId}`).length === 1;

	it('deletes guests unused for 30 days with their chats, and no one else', async () => {
		const stale = await guest();
		await stale.client.rpc('post_message', { p_message_id: crypto.randomUUID(), p_content: 'Old guest chat' });
		await age(stale.user.id, 31);
		const recent = await guest();
		await age(recent.user.id, 29);
		const returning = await guest();
		await returning.client.rpc('post_message', { p_message_id: crypto.randomUUID(), p_content: 'Still here' });
		await age(returning.user.id, 31);
		await sql`update public.chat_sessions set updated_at = now() where user_id = ${returning.user.id}`;
		const member = await signedUpUser('old-member');
		await age(member.userId, 400);

		await sql`select private.purge_stale_guests()`;
		expect(await exists(stale.user.id)).toBe(false);
		expect((await sql`select 1 from public.chat_messages where user_id = ${stale.user.id}`).length).toBe(0);
		expect(await exists(recent.user.id)).toBe(true);
		expect(await exists(returning.user.id)).toBe(true);
		expect(await exists(member.userId)).toBe(true);
	});

	it('cannot be called through the API', async () => {
		const a = await guest();
		for (const client of [anonClient(), a.client as unknown as SupabaseClient]) {
			const { error } = await client.schema('private').rpc('purge_stale_guests', {});
			expect(error?.code).toBe('PGRST106');
		}
	});
});

describe('anonymous sign-ins turned off', () => {
	let server: Awaited<ReturnType<typeof startAuthServer>>;
	let closed: Awaited<ReturnType<typeof startAuthServer>>;
	beforeAll(async () => {
		server = await startAuthServer({ enableAnonymousSignIns: false });
		closed = await startAuthServer({ enableAnonymousSignIns: true, enableSignup: false });
	});
	afterAll(async () => {
		await server.close();
		await closed.close();
	});

	it('answers 422 anonymous_provider_disabled and reports them off in /settings', async () => {
		const response = await server.call('/signup', {});
		expect(response.status).toBe(422);
		expect(await response.json()).toEqual({
			code: 'anonymous_provider_disabled',
			message: 'Anonymous sign-ins are disabled'
		});
		expect((await (await server.call('/settings')).json()).external.anonymous_users).toBe(false);
	});

	it('answers 422 signup_disabled when sign-ups are closed though anonymous sign-ins are on', async () => {
		const response = await closed.call('/signup', { data: {} });
		expect(response.status).toBe(422);
		expect((await response.json()).code).toBe('signup_disabled');
	});
});

describe('[auth.rate_limit], per IP address', () => {
	let server: Awaited<ReturnType<typeof startAuthServer>>;
	beforeAll(async () => {
		server = await startAuthServer({
			enableAnonymousSignIns: true,
			rateLimits: { anonymousUsers: 2, tokenRefresh: 1, signInSignUps: 1, tokenVerifications: 1, emailSent: 2 }
		});
	});
	afterAll(() => server.close());

	const from = (address: string) => ({ 'sb-forwarded-for': address });
	// A refresh with a token that does not exist: the same bucket as a sign-in, without a bcrypt round.
	const badToken = (address: string) =>
		server.call('/token?grant_type=refresh_token', { refresh_token: 'not-a-token' }, from(address));

	it('lets a burst of 30 token requests through, then refuses that address with 429 and no other', async () => {
		const answers = [];
		for (let i = 0; i < 30; i++) answers.push((await badToken('203.0.113.7')).status);
		expect(new Set(answers)).toEqual(new Set([400]));

		const refused = await badToken('203.0.113.7');
		expect(refused.status).toBe(429);
		expect(await refused.json()).toEqual({ code: 'over_request_rate_limit', message: 'Request rate limit reached' });
		expect(refused.headers.get('x-sb-error-code')).toBe('over_request_rate_limit');
		// The first address of a list is the client's.
		expect((await badToken('203.0.113.7, 10.0.0.1')).status).toBe(429);
		expect((await badToken('198.51.100.4')).status).toBe(400);
	});

	it('counts anonymous sign-ins per hour, with the hourly number as the burst', async () => {
		const address = '203.0.113.20';
		expect((await server.call('/signup', {}, from(address))).status).toBe(200);
		expect((await server.call('/signup', {}, from(address))).status).toBe(200);
		const refused = await server.call('/signup', {}, from(address));
		expect(refused.status).toBe(429);
		expect((await refused.json()).code).toBe('over_request_rate_limit');
		expect((await server.call('/signup', {}, from('203.0.113.21'))).status).toBe(200);
	});

	it('keeps a bucket per route: a spent token bucket leaves recovery open', async () => {
		const address = '203.0.113.30';
		for (let i = 0; i < 31; i++) await badToken(address);
		expect((await badToken(address)).status).toBe(429);
		const recover = await server.call('/recover', { email: 'nobody@example.com' }, from(address));
		expect(recover.status).toBe(200);
	});

	it('limits no one who is not named, as GoTrue without a rate-limit header does', async () => {
		const answers = new Set<number>();
		for (let i = 0; i < 40; i++) {
			answers.add((await server.call('/token?grant_type=refresh_token', { refresh_token: 'not-a-token' })).status);
		}
		expect(answers).toEqual(new Set([400]));
	});
});

describe('[auth.rate_limit] keyed on GOTRUE_RATE_LIMIT_HEADER', () => {
	let server: Awaited<ReturnType<typeof startAuthServer>>;
	beforeAll(async () => {
		server = await startAuthServer({
			rateLimits: {
				anonymousUsers: 2,
				tokenRefresh: 1,
				signInSignUps: 1,
				tokenVerifications: 1,
				emailSent: 2,
				rateLimitHeader: 'X-Forwarded-For'
			}
		});
	});
	afterAll(() => server.close());

	it('keys on the header’s first value, and on Sb-Forwarded-For first when that is an address', async () => {
		const badToken = (headers: Record<string, string>) =>
			server.call('/token?grant_type=refresh_token', { refresh_token: 'not-a-token' }, headers);
		for (let i = 0; i < 30; i++) await badToken({ 'x-forwarded-for': '203.0.113.40, 10.0.0.9' });
		expect((await badToken({ 'x-forwarded-for': '203.0.113.40' })).status).toBe(429);
		// A forwarding header that is not an address is passed over, as GoTrue does.
		expect((await badToken({ 'x-forwarded-for': '203.0.113.40', 'sb-forwarded-for': 'not-an-address' })).status).toBe(
			429
		);
		expect((await badToken({ 'x-forwarded-for': '203.0.113.40', 'sb-forwarded-for': '198.51.100.50' })).status).toBe(
			400
		);
		expect((await badToken({ 'x-forwarded-for': '203.0.113.41' })).status).toBe(400);
	});
});
