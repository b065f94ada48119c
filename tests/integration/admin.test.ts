// The admin user API: allowed for the service role, not_admin for a user token.
import { describe, expect, it } from 'vitest';
import { PASSWORD, adminClient, anonClient, authFetch, signedUpUser, uniqueEmail } from './supabase.ts';

describe('admin users', () => {
	it('creates, lists, reads and deletes users with the service role', async () => {
		const admin = adminClient().auth.admin;
		const email = uniqueEmail('admin-made');
		const created = await admin.createUser({
			email,
			password: PASSWORD,
			email_confirm: true,
			user_metadata: { team: 'a' }
		});
		expect(created.error).toBeNull();
		const id = created.data.user!.id;
		expect(created.data.user).toMatchObject({
			email,
			user_metadata: { team: 'a' },
			email_confirmed_at: expect.any(String)
		});

		const signIn = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
		expect(signIn.error).toBeNull();

		const listed = await admin.listUsers({ page: 1, perPage: 1000 });
		expect(listed.data.users.map((user) => user.id)).toContain(id);
		expect((await admin.getUserById(id)).data.user?.email).toBe(email);

		const duplicate = await admin.createUser({ email, password: PASSWORD });
		expect(duplicate.error).toMatchObject({ status: 422, code: 'email_exists' });

		expect((await admin.deleteUser(id)).error).toBeNull();
		expect((await admin.getUserById(id)).error).toMatchObject({ status: 404, code: 'user_not_found' });
		const afterDelete = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
		expect(afterDelete.error).toMatchObject({ code: 'invalid_credentials' });
	});

	it('pages with X-Total-Count and Link, and rejects a non-uuid id', async () => {
		const headers = { authorization: `Bearer ${(await import('./supabase.ts')).serviceRoleKey}` };
		const page = await authFetch('/admin/users?page=1&per_page=1', { headers });
		expect(page.status).toBe(200);
		expect(Number(page.headers.get('x-total-count'))).toBeGreaterThan(0);
		expect(page.headers.get('link')).toContain('rel="last"');
		expect((await page.json()).users).toHaveLength(1);

		const badId = await authFetch('/admin/users/not-a-uuid', { headers });
		expect(badId.status).toBe(404);
		expect((await badId.json()).code).toBe('validation_failed');
	});

	it('answers not_admin to a user token and changes nothing', async () => {
		const attacker = await signedUpUser('not-admin');
		const victim = await signedUpUser('kept');
		const headers = { authorization: `Bearer ${attacker.session.access_token}` };
		for (const [method, path] of [
			['GET', '/admin/users'],
			['POST', '/admin/users'],
			['DELETE', `/admin/users/${victim.userId}`]
		]) {
			const response = await authFetch(path, {
				method,
				headers,
				body: method === 'POST' ? '{"email":"x@example.com"}' : undefined
			});
			expect(response.status).toBe(403);
			expect((await response.json()).code).toBe('not_admin');
		}
		expect((await adminClient().auth.admin.getUserById(victim.userId)).data.user?.id).toBe(victim.userId);
	});
});
