// Row Level Security through PostgREST: B and anon can neither read, change nor delete A's rows.
// The table is created for this test and dropped after it, so migrations stay the app's own.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonClient, dbUrl, isLocalStack, signedUpUser } from './supabase.ts';

const table = `rls_probe_${process.pid}`;

describe.skipIf(!isLocalStack)('RLS through PostgREST', () => {
	const sql = postgres(dbUrl ?? '', { max: 1, onnotice: () => {} });

	beforeAll(async () => {
		await sql.unsafe(`
			create table public.${table} (
				id bigint generated always as identity primary key,
				user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
				body text not null
			);
			alter table public.${table} enable row level security;
			create policy "own rows: select" on public.${table} for select to authenticated using ((select auth.uid()) = user_id);
			create policy "own rows: insert" on public.${table} for insert to authenticated with check ((select auth.uid()) = user_id);
			create policy "own rows: update" on public.${table} for update to authenticated using ((select auth.uid()) = user_id);
			create policy "own rows: delete" on public.${table} for delete to authenticated using ((select auth.uid()) = user_id);
			notify pgrst, 'reload schema';`);
		// PostgREST reloads its schema cache asynchronously. A read would pass before it has: a
		// select runs against the database, but an insert needs the cache (404 until then). anon
		// has no insert policy, so 42501 says the cache has the table, and nothing was written.
		const probe = anonClient();
		for (let i = 0; i < 50; i++) {
			const { error } = await probe.from(table).insert({ body: 'probe' });
			if (error?.code === '42501') return;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		throw new Error('PostgREST never saw the probe table');
	});

	afterAll(async () => {
		await sql.unsafe(`drop table if exists public.${table}; notify pgrst, 'reload schema';`);
		await sql.end();
	});

	it('keeps A’s rows from B and from anon', async () => {
		const a = await signedUpUser('rls-a');
		const b = await signedUpUser('rls-b');
		const inserted = await a.client.from(table).insert({ body: 'secret of A' }).select().single();
		expect(inserted.error).toBeNull();
		expect(inserted.data).toMatchObject({ user_id: a.userId, body: 'secret of A' });
		const rowId = inserted.data!.id;

		for (const intruder of [b.client, anonClient()]) {
			expect((await intruder.from(table).select('*').eq('id', rowId)).data).toEqual([]);
			const update = await intruder.from(table).update({ body: 'changed' }).eq('id', rowId).select();
			expect(update.data ?? []).toEqual([]);
			const remove = await intruder.from(table).delete().eq('id', rowId).select();
			expect(remove.data ?? []).toEqual([]);
		}
		// B cannot plant a row in A's name either: 42501, the RLS violation.
		const planted = await b.client.from(table).insert({ body: 'forged', user_id: a.userId });
		expect(planted.error?.code).toBe('42501');

		// Nothing changed: A still sees exactly the original row.
		const mine = await a.client.from(table).select('id, body, user_id');
		expect(mine.data).toEqual([{ id: rowId, body: 'secret of A', user_id: a.userId }]);
		// The table is this test's own: the one row is A's, and B's forged insert left nothing.
		const [{ count }] = await sql`select count(*)::int as count from ${sql(table)}`;
		expect(count).toBe(1);
		const [row] = await sql`select body from ${sql(table)} where id = ${rowId}`;
		expect(row.body).toBe('secret of A');
	});
});
