// Counts the auth server's requests while a signed-in client calls getClaims() N times.
// Usage: npm run bench:claims [-- N]   (against the local stack, started if needed)
import { createClient } from '@supabase/supabase-js';
import { stopStack } from '../local-supabase/stack.ts';
import { projectRoot, resolveSupabase } from '../scripts/supabase-env.ts';

const calls = Number(process.argv[2] ?? 100);
const target = await resolveSupabase();
const authUrl = target.env.LOCAL_SUPABASE_AUTH_URL;
if (!authUrl) throw new Error('This bench reads the local stack’s request counter; unset PUBLIC_SUPABASE_URL.');
const requests = async () => ((await (await fetch(`${authUrl}/_local/requests`)).json()) as { total: number }).total;

const client = createClient(target.env.PUBLIC_SUPABASE_URL, target.env.PUBLIC_SUPABASE_PUBLISHABLE_KEY, {
	auth: { persistSession: false, autoRefreshToken: false }
});
const email = `bench-${Date.now()}@example.com`;
const { error } = await client.auth.signUp({ email, password: 'bench-password-1' });
if (error) throw error;

const beforeFirst = await requests();
await client.auth.getClaims();
const firstCall = (await requests()) - beforeFirst;

const before = await requests();
const started = performance.now();
for (let i = 0; i < calls; i++) {
	const { error: claimsError } = await client.auth.getClaims();
	if (claimsError) throw claimsError;
}
const elapsed = performance.now() - started;
const during = (await requests()) - before;

console.log(`first getClaims(): ${firstCall} auth request(s) (the JWKS fetch, then cached)`);
console.log(`${calls} getClaims() calls: ${during} auth requests, ${(elapsed / calls).toFixed(3)} ms per call`);
if (target.started) await stopStack(projectRoot);
