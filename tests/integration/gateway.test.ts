// The gateway: the apikey check, new-style keys, CORS.
import { describe, expect, it } from 'vitest';
import { anonKey, publishableKey, serviceRoleKey, url, fetchJson } from './supabase.ts';

describe('gateway', () => {
	it('refuses a request with no apikey or a wrong one, before any service sees it', async () => {
		const none = await fetchJson(`${url}/rest/v1/`);
		expect(none.status).toBe(401);
		expect((await none.json()).message).toBe('No API key found in request');

		const wrong = await fetchJson(`${url}/auth/v1/settings`, { headers: { apikey: 'sb_publishable_wrong' } });
		expect(wrong.status).toBe(401);
		expect((await wrong.json()).message).toBe('Invalid API key');

		const forgedJwt = anonKey.slice(0, -4) + 'AAAA';
		const forged = await fetchJson(`${url}/auth/v1/settings`, { headers: { apikey: forgedJwt } });
		expect(forged.status).toBe(401);
	});

	it('accepts the publishable, anon and service-role keys', async () => {
		for (const key of [publishableKey, anonKey, serviceRoleKey]) {
			const response = await fetchJson(`${url}/auth/v1/settings`, { headers: { apikey: key } });
			expect(response.status).toBe(200);
			expect(await response.json()).toMatchObject({ external: { email: true }, mailer_autoconfirm: true });
		}
	});

	it('answers CORS preflights and marks responses for any origin', async () => {
		const preflight = await fetchJson(`${url}/rest/v1/anything`, {
			method: 'OPTIONS',
			headers: {
				origin: 'http://localhost:5173',
				'access-control-request-method': 'POST',
				'access-control-request-headers': 'apikey,authorization,content-type'
			}
		});
		expect(preflight.status).toBe(200);
		expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
		expect(preflight.headers.get('access-control-allow-headers')).toBe('apikey,authorization,content-type');

		const health = await fetchJson(`${url}/auth/v1/health`, { headers: { apikey: publishableKey } });
		expect(health.headers.get('access-control-allow-origin')).toBe('*');
		expect(await health.json()).toMatchObject({ name: 'GoTrue' });
	});
});
