// What one send reads from Postgres: the bytes post_message answers with, for a short chat and a
// chat of 1,000 messages, without a budget (the whole path, as before the budget existed) and
// with the default model's budget (8,192 tokens, 1,024 for the reply), as the app sends it now.
// Messages look like ordinary replies: a paragraph, a code block and a table, about 1.2 KB.
// Usage: npm run bench:send-bytes
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { randomUUID } from 'node:crypto';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';
import type { Database } from '../src/lib/database.types.ts';
import { contextChars } from '../src/lib/server/ai/context.ts';

const target = await resolveSupabase();
const url = target.env.PUBLIC_SUPABASE_URL ?? process.env.PUBLIC_SUPABASE_URL!;
const key = target.env.PUBLIC_SUPABASE_PUBLISHABLE_KEY ?? process.env.PUBLIC_SUPABASE_PUBLISHABLE_KEY!;

const reply = (n: number) =>
	`Answer ${n}. The tide follows the moon because its pull is stronger on the near side of the earth.\n\n` +
	'```python\ndef tide(hour):\n    return 1.2 * math.sin(hour / 12.42 * 2 * math.pi)\n```\n\n' +
	'| hour | height |\n| --- | --- |\n| 0 | 0.0 m |\n| 3 | 1.1 m |\n| 6 | 0.2 m |\n\n' +
	'Spring tides come at new and full moon, neap tides at the quarters. '.repeat(8);
const question = (n: number) => `Question ${n}: and what happens at the equinox?`;

async function person(): Promise<SupabaseClient<Database>> {
	const client = createClient<Database>(url, key, { auth: { persistSession: false, autoRefreshToken: false } });
	const { error } = await client.auth.signUp({
		email: `bench-bytes-${randomUUID().slice(0, 8)}@example.com`,
		password: 'bench-password-1'
	});
	if (error) throw error;
	return client;
}

async function chatOf(client: SupabaseClient<Database>, messages: number): Promise<string> {
	const rows = Array.from({ length: messages / 2 }, (_, n) => [
		{ role: 'user', content: question(n) },
		{ role: 'assistant', content: reply(n) }
	]).flat();
	const { data, error } = await client.rpc('import_chats', { p_chats: [{ title: 'Bench', messages: rows }] });
	if (error) throw error;
	return data[0];
}

/** The bytes of post_message's answer, and its rows. */
async function send(client: SupabaseClient<Database>, sessionId: string, budget?: number) {
	const response = await fetch(`${url}/rest/v1/rpc/post_message`, {
		method: 'POST',
		headers: {
			apikey: key,
			authorization: `Bearer ${(await client.auth.getSession()).data.session!.access_token}`,
			'content-type': 'application/json'
		},
		body: JSON.stringify({
			p_message_id: randomUUID(),
			p_content: 'hello',
			p_session_id: sessionId,
			...(budget === undefined ? {} : { p_budget: { default: budget, models: {} } })
		})
	});
	const body = await response.text();
	if (!response.ok) throw new Error(body);
	const rows = JSON.parse(body) as { reply_id: string; writer_token: string }[];
	// End the reply, so the next send is not refused below a reply being written.
	await client.rpc('finish_reply', {
		p_reply_id: rows[0].reply_id,
		p_writer_token: rows[0].writer_token,
		p_content: 'Done.',
		p_status: 'complete',
		p_model: 'bench'
	});
	return { bytes: new TextEncoder().encode(body).length, rows: rows.length };
}

try {
	const budget = contextChars({ contextTokens: 8192, maxOutputTokens: 1024 });
	const client = await person();
	console.log(`One send ("hello"), bytes post_message answers with; budget ${budget.toLocaleString('en')} characters`);
	console.log('| chat | no budget (before) | with the budget (now) |');
	console.log('| --- | --- | --- |');
	for (const messages of [10, 1000]) {
		// A chat each, so both sends find the same conversation.
		const whole = await send(client, await chatOf(client, messages));
		const bounded = await send(client, await chatOf(client, messages), budget);
		const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
		console.log(
			`| ${messages} messages | ${kb(whole.bytes)}, ${whole.rows} rows | ${kb(bounded.bytes)}, ${bounded.rows} rows |`
		);
	}
} finally {
	if (target.started) await stopStack(projectRoot);
}
