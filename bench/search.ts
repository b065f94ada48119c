// Measures full-text search on a large account, through PostgREST on the local stack:
//   - seeds 20 people; one has 2,000 chats and 100,000 messages, the others 100 chats each
//   - runs a mix of queries as that person (a common word, a rare one, a phrase, an exclusion,
//     a partial word that only the trigram fallback finds, and one that matches nothing)
//   - prints p50/p95 per query and overall, and the plans Postgres used (auto_explain), which
//     must use the GIN indexes rather than scan the table
// The seeded people stay for the next run (seeding takes a while); --clean deletes them after.
// Usage: npm run bench:search [-- rounds] [--clean]
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import type { Database } from '../src/lib/database.types.ts';
import { median, percentile } from './support.ts';

const args = process.argv.slice(2);
const clean = args.includes('--clean');
const rounds = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 30);
const PEOPLE = 20;
const HEAVY_CHATS = 2000;
const MESSAGES_PER_CHAT = 50;
const LIGHT_CHATS = 100;
const LIGHT_MESSAGES_PER_CHAT = 10;

const target = await resolveSupabase();
if (!target.env.SUPABASE_DB_URL)
	throw new Error('This bench seeds the local stack’s database; unset PUBLIC_SUPABASE_URL.');
const sql = postgres(target.env.SUPABASE_DB_URL, { max: 2, onnotice: () => {} });
const password = 'bench-password-1';
const emailOf = (index: number) => `bench-search-${index}@example.com`;

try {
	console.log(`signing up ${PEOPLE} people…`);
	const people: { client: SupabaseClient<Database>; id: string }[] = [];
	for (let index = 0; index < PEOPLE; index++) {
		const client = createClient<Database>(target.env.PUBLIC_SUPABASE_URL, target.env.PUBLIC_SUPABASE_PUBLISHABLE_KEY, {
			auth: { persistSession: false, autoRefreshToken: false }
		});
		const credentials = { email: emailOf(index), password };
		const signedIn = await client.auth.signInWithPassword(credentials);
		const { data, error } = signedIn.data.user ? signedIn : await client.auth.signUp(credentials);
		if (error || !data.user) throw error ?? new Error('no user');
		people.push({ client, id: data.user.id });
	}
	const expected = HEAVY_CHATS * MESSAGES_PER_CHAT;
	const [{ existing }] =
		await sql`select count(*)::int as existing from public.chat_messages where user_id = ${people[0].id}`;

	// Text from a fixed vocabulary with a long tail, as real text has: a few words are in many
	// messages, most in few. Sentences are drawn once and combined, so seeding takes seconds.
	// Seeded as the database owner, directly.
	const seeded = performance.now();
	if (existing !== expected) {
		console.log('seeding chats and messages…');
		await sql`delete from public.chat_sessions where user_id = any(${people.map((person) => person.id)})`;
		await sql.unsafe(`
		create temporary table bench_sentences as
		select n, (
			select string_agg('w' || (1 + floor(power(random(), 3) * 20000))::int, ' ')
			from generate_series(1, 12) k where n > 0
		) as text
		from generate_series(1, 5000) n;
	`);
		for (const [index, person] of people.entries()) {
			const chats = index === 0 ? HEAVY_CHATS : LIGHT_CHATS;
			const perChat = index === 0 ? MESSAGES_PER_CHAT : LIGHT_MESSAGES_PER_CHAT;
			await sql.unsafe(
				`
			with chats as (
				insert into public.chat_sessions (user_id, title, updated_at)
				select $1::uuid, 'Bench chat ' || n, now() - make_interval(mins => n)
				from generate_series(1, $2::int) n
				returning id
			)
			insert into public.chat_messages (session_id, user_id, role, content)
			select c.id, $1::uuid, case when m % 2 = 0 then 'user' else 'assistant' end::public.chat_role,
				a.text || '. ' || b.text || '. ' || d.text || '.'
			from chats c
			cross join generate_series(1, $3::int) m
			join bench_sentences a on a.n = 1 + (hashtext(c.id::text || m) & 4095)
			join bench_sentences b on b.n = 1 + (hashtext(m || c.id::text) & 4095)
			join bench_sentences d on d.n = 1 + (hashtext(c.id::text || m || 'd') & 4095);
		`,
				[person.id, chats, perChat]
			);
		}
		await sql`analyze public.chat_messages`;
		await sql`analyze public.chat_sessions`;
	}
	const [{ count }] =
		await sql`select count(*)::int as count from public.chat_messages where user_id = ${people[0].id}`;
	console.log(`ready in ${((performance.now() - seeded) / 1000).toFixed(1)} s: ${count} messages for the heavy user`);

	// w1 is in most messages, w30 in about one in twenty, w3000 in a few hundred of 100,000.
	// A phrase as someone would remember it: two adjacent words from one of the heavy user's messages.
	const [{ phrase }] = await sql`
		select substring(content from ' (w[0-9]{3,4} w[0-9]{3,4})[ .]') as phrase
		from public.chat_messages where user_id = ${people[0].id} and content ~ ' w[0-9]{3,4} w[0-9]{3,4}[ .]'
		order by id limit 1`;
	// Part of a word, which only the trigram fallback finds: the digits of a five-digit word.
	const [{ partial }] = await sql`
		select substring(content from ' w([0-9]{5})[ .]') as partial
		from public.chat_messages where user_id = ${people[0].id} and content ~ ' w[0-9]{5}[ .]'
		order by id limit 1`;
	const queries = {
		'common word (w30)': 'w30',
		'rare word (w3000)': 'w3000',
		[`phrase ("${phrase}")`]: `"${phrase}"`,
		'phrase of the two commonest words ("w1 w2")': '"w1 w2"',
		'exclusion (w40 -w1)': 'w40 -w1',
		[`partial word, trigram fallback (${partial})`]: partial,
		'no match': 'nonexistentword'
	};
	const heavy = people[0].client;
	const timings: Record<string, number[]> = Object.fromEntries(Object.keys(queries).map((name) => [name, []]));
	const hits: Record<string, number> = {};
	for (const query of Object.values(queries)) await heavy.rpc('search_chats', { p_query: query });
	// What any call through PostgREST costs: one chat of the list, for comparison.
	const baseline: number[] = [];
	for (let round = 0; round < rounds; round++) {
		const started = performance.now();
		await heavy.rpc('list_chats', { p_limit: 1 });
		baseline.push(performance.now() - started);
	}
	for (let round = 0; round < rounds; round++) {
		for (const [name, query] of Object.entries(queries)) {
			const started = performance.now();
			const { data, error } = await heavy.rpc('search_chats', { p_query: query });
			timings[name].push(performance.now() - started);
			if (error) throw error;
			hits[name] = data.length;
		}
	}

	console.log(`\nsearch_chats through PostgREST, ${rounds} rounds, ms      p50     p95  results`);
	for (const [name, values] of Object.entries(timings)) {
		const p50 = median(values).toFixed(1).padStart(7);
		const p95 = percentile(values, 95).toFixed(1).padStart(7);
		console.log(`  ${name.padEnd(46)} ${p50} ${p95}  ${String(hits[name]).padStart(7)}`);
	}
	const all = Object.values(timings).flat();
	console.log(
		`  ${'all queries'.padEnd(46)} ${median(all).toFixed(1).padStart(7)} ${percentile(all, 95).toFixed(1).padStart(7)}`
	);
	console.log('  goal: p50 ≤ 30 ms, p95 ≤ 100 ms');
	console.log(`  for comparison, list_chats (1 row): p50 ${median(baseline).toFixed(1)} ms`);

	// The chat list pages by keyset, so the last page costs what the first does.
	const [deep] = await sql`
		select updated_at, id from public.chat_sessions where user_id = ${people[0].id}
		order by updated_at desc, id desc offset 1949 limit 1`;
	const paging: Record<string, number[]> = { 'first page': [], 'page after 1,950 chats': [] };
	for (let round = 0; round < rounds; round++) {
		for (const [name, args] of [
			['first page', { p_limit: 51 }],
			[
				'page after 1,950 chats',
				{ p_limit: 51, p_before_updated_at: deep.updated_at.toISOString(), p_before_id: deep.id }
			]
		] as const) {
			const started = performance.now();
			const { error } = await heavy.rpc('list_chats', args);
			if (error) throw error;
			paging[name].push(performance.now() - started);
		}
	}
	console.log(`\nlist_chats (the chat list, 51 rows) for 2,000 chats, ms        p50     p95`);
	for (const [name, values] of Object.entries(paging)) {
		console.log(
			`  ${name.padEnd(46)} ${median(values).toFixed(1).padStart(7)} ${percentile(values, 95).toFixed(1).padStart(7)}`
		);
	}

	// The plans, as the heavy user under RLS: auto_explain logs the function's own statements.
	console.log('\nplans (auto_explain, as the heavy user):');
	const plans: string[] = [];
	const explain = postgres(target.env.SUPABASE_DB_URL, {
		max: 1,
		onnotice: (notice) => plans.push(String(notice.message))
	});
	const explained = { 'common word': 'w30', 'trigram fallback': partial };
	for (const [name, query] of Object.entries(explained)) {
		plans.length = 0;
		await explain.begin(async (tx) => {
			await tx.unsafe(`load 'auto_explain'`);
			await tx.unsafe(`set local auto_explain.log_min_duration = 0`);
			await tx.unsafe(`set local auto_explain.log_nested_statements = on`);
			await tx.unsafe(`set local auto_explain.log_analyze = on`);
			await tx.unsafe(`set local client_min_messages = log`);
			await tx.unsafe(`select set_config('request.jwt.claims', $1, true)`, [
				JSON.stringify({ sub: people[0].id, role: 'authenticated' })
			]);
			await tx.unsafe(`set local role authenticated`);
			await tx.unsafe(`select count(*) from public.search_chats($1)`, [query]);
		});
		// The helpers' statements over chat_messages: full-text, then (when it found nothing) substring.
		const inner = plans.filter((plan) => /from public\.chat_messages m\s+where m\.user_id/.test(plan));
		console.log(`  ${name} (${query}):`);
		for (const plan of inner) {
			const lines = plan.split('\n').filter((line) => /Scan|Index Cond|Rows Removed|Limit|Sort Key/.test(line));
			for (const line of lines.slice(0, 8)) console.log(`    ${line.trim()}`);
			const usesIndex = /chat_messages_(search|content_trgm)_idx/.test(plan);
			const seqScan = /Seq Scan on chat_messages/.test(plan);
			console.log(
				`    → ${usesIndex ? 'uses a GIN index' : 'does NOT use a GIN index'}${seqScan ? ', and scans the table' : ''}`
			);
		}
	}
	await explain.end();
} finally {
	if (clean) await sql`delete from auth.users where email like 'bench-search-%@example.com'`;
	await sql.end();
	if (target.started) await stopStack(projectRoot);
}
