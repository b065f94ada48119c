// getClaims() without the auth server, refresh-token rotation and reuse, logout scopes.
import { type Session } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { PASSWORD, anonClient, authFetch, authRequestCount, isLocalStack, signedUpUser } from './supabase.ts';

const refresh = (refreshToken: string) =>
	authFetch('/token?grant_type=refresh_token', {
		method: 'POST',
		body: JSON.stringify({ refresh_token: refreshToken })
	});

async function refreshed(refreshToken: string): Promise<Session> {
	const response = await refresh(refreshToken);
	expect(response.status).toBe(200);
	return (await response.json()) as Session;
}

describe('getClaims', () => {
	it.skipIf(!isLocalStack)('verifies ES256 tokens locally: 100 calls, no auth request', async () => {
		const { client, userId, tag } = await signedUpUser('claims');
		// The first call fetches the JWKS once; auth-js caches it for 10 minutes.
		const first = await client.auth.getClaims();
		expect(first.data?.claims.sub).toBe(userId);
		expect(first.data?.header.alg).toBe('ES256');

		const before = await authRequestCount(tag);
		for (let i = 0; i < 100; i++) {
			const { data, error } = await client.auth.getClaims();
			expect(error).toBeNull();
			expect(data?.claims.sub).toBe(userId);
		}
		expect((await authRequestCount(tag)) - before).toBe(0);
	});

	it('refuses a tampered token, and on the local stack provably without an auth request', async () => {
		const { client, session, tag } = await signedUpUser('claims-forged');
		// The first call fetches the JWKS; the tampered token must then be judged from the cache.
		expect((await client.auth.getClaims()).error).toBeNull();
		const before = isLocalStack ? await authRequestCount(tag) : 0;
		const [header, payload, signature] = session.access_token.split('.');
		const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
		const { data, error } = await client.auth.getClaims(`${header}.${payload}.${flipped}`);
		expect(data).toBeNull();
		expect(error).not.toBeNull();
		if (isLocalStack) expect((await authRequestCount(tag)) - before).toBe(0);
	});
});

describe('refresh tokens', () => {
	it('rotates: the old token is revoked, the child works', async () => {
		const { session } = await signedUpUser('rotate');
		const next = await refreshed(session.refresh_token);
		expect(next.refresh_token).not.toBe(session.refresh_token);
		expect(next.access_token).not.toBe(session.access_token);
		const third = await refreshed(next.refresh_token);
		expect(third.user.id).toBe(session.user.id);
	});

	it('reuse case 1: the parent of the live token gets the same child back, at any time', async () => {
		const { session } = await signedUpUser('reuse-parent');
		const child = await refreshed(session.refresh_token);
		const again = await refreshed(session.refresh_token);
		expect(again.refresh_token).toBe(child.refresh_token);
	});

	it('reuse case 2: an older revoked token within the reuse interval gets a new child', async () => {
		const { session } = await signedUpUser('reuse-window');
		const child = await refreshed(session.refresh_token);
		await refreshed(child.refresh_token);
		// The original token is no longer the live token's parent, but it was revoked seconds ago.
		const late = await refreshed(session.refresh_token);
		expect(late.refresh_token).not.toBe(child.refresh_token);
		expect(late.user.id).toBe(session.user.id);
	});

	it('an unknown token is refresh_token_not_found', async () => {
		const response = await refresh('aaaaaaaaaaaa');
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ code: 'refresh_token_not_found' });
	});
});

describe('logout scopes', () => {
	async function threeSessions() {
		const first = await signedUpUser('logout');
		const sign = async () => {
			const client = anonClient();
			const { data, error } = await client.auth.signInWithPassword({ email: first.email, password: PASSWORD });
			if (error || !data.session) throw error ?? new Error('no session');
			return { client, session: data.session };
		};
		return [{ client: first.client, session: first.session }, await sign(), await sign()];
	}

	async function expectDead(session: Session) {
		const rt = await refresh(session.refresh_token);
		expect(rt.status).toBe(400);
		expect((await rt.json()).code).toBe('refresh_token_not_found');
		const user = await authFetch('/user', { headers: { authorization: `Bearer ${session.access_token}` } });
		expect(user.status).toBe(403);
		expect((await user.json()).code).toBe('session_not_found');
	}

	async function expectAlive(session: Session) {
		const user = await authFetch('/user', { headers: { authorization: `Bearer ${session.access_token}` } });
		expect(user.status).toBe(200);
	}

	it('local ends only the current session', async () => {
		const [a, b, c] = await threeSessions();
		expect((await a.client.auth.signOut({ scope: 'local' })).error).toBeNull();
		await expectDead(a.session);
		await expectAlive(b.session);
		await expectAlive(c.session);
	});

	it('others ends every session but the current one', async () => {
		const [a, b, c] = await threeSessions();
		expect((await a.client.auth.signOut({ scope: 'others' })).error).toBeNull();
		await expectAlive(a.session);
		await expectDead(b.session);
		await expectDead(c.session);
	});

	it('global ends them all', async () => {
		const [a, b, c] = await threeSessions();
		const response = await authFetch('/logout?scope=global', {
			method: 'POST',
			headers: { authorization: `Bearer ${a.session.access_token}` }
		});
		expect(response.status).toBe(204);
		for (const { session } of [a, b, c]) await expectDead(session);
	});

	it('an unknown scope is refused and ends nothing', async () => {
		const [a] = await threeSessions();
		const response = await authFetch('/logout?scope=everyone', {
			method: 'POST',
			headers: { authorization: `Bearer ${a.session.access_token}` }
		});
		expect(response.status).toBe(400);
		await expectAlive(a.session);
	});
});

describe('password change', () => {
	it('refuses the same password and ends the other sessions on a new one', async () => {
		const { client, email } = await signedUpUser('password');
		const other = anonClient();
		const { data: signIn } = await other.auth.signInWithPassword({ email, password: PASSWORD });
		const same = await client.auth.updateUser({ password: PASSWORD });
		expect(same.error).toMatchObject({ status: 422, code: 'same_password' });

		const changed = await client.auth.updateUser({ password: `${PASSWORD}-2`, data: { name: 'Ada' } });
		expect(changed.error).toBeNull();
		expect(changed.data.user?.user_metadata).toMatchObject({ name: 'Ada' });
		const stale = await authFetch('/user', { headers: { authorization: `Bearer ${signIn.session!.access_token}` } });
		expect((await stale.json()).code).toBe('session_not_found');
		const removed = await client.auth.updateUser({ data: { name: null } });
		expect(removed.data.user?.user_metadata).not.toHaveProperty('name');
	});
});
