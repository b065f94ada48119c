// Hardening II, through the app: a guest cannot get replies for free, and a long chat answers the
// message just sent. Each attack is refused and leaves nothing changed.
import { connect } from 'node:net';
import { replyFor } from '../support/fake-provider.ts';
import { ChatApp, expect, fakeModel, readSession, storedFor, test, unique } from './support.ts';

const supabaseUrl = process.env.PUBLIC_SUPABASE_URL!;
const publishableKey = process.env.PUBLIC_SUPABASE_PUBLISHABLE_KEY ?? process.env.PUBLIC_SUPABASE_ANON_KEY!;

test('a guest cannot make a finished reply look abandoned and have it written again for free', async ({
	page,
	context
}) => {
	const app = new ChatApp(page, 'free-replies');
	await page.goto('/login');
	await app.ready();
	await page.getByRole('button', { name: 'Try it without an account' }).click();
	await app.signedIn();
	const question = unique('One honest question');
	await app.send(question);
	await expect(app.said(replyFor(question))).toBeVisible();
	await app.settled();

	const session = await readSession(context);
	const token = session.access_token;
	const userId = (session.user as { id: string }).id;
	const before = await storedFor(userId);
	const reply = before.messages.at(-1)!;
	const calls = (await fakeModel.calls(question)).length;
	const origin = new URL(page.url()).origin;
	for (let round = 0; round < 5; round++) {
		// With the guest's own token and the publishable key, straight to PostgREST.
		const patched = await fetch(`${supabaseUrl}/rest/v1/chat_messages?id=eq.${reply.id}`, {
			method: 'PATCH',
			headers: {
				apikey: publishableKey,
				authorization: `Bearer ${token}`,
				'content-type': 'application/json',
				prefer: 'return=representation'
			},
			body: JSON.stringify({ progress_at: '2000-01-01T00:00:00Z' })
		});
		expect(patched.status).toBe(403);
		// Then Retry through the app, as the attack did.
		const retried = await page.request.post('/api/chat', {
			data: { replyId: reply.id },
			headers: { origin, accept: 'application/json' }
		});
		expect(retried.status()).toBe(404);
	}
	expect((await fakeModel.calls(question)).length).toBe(calls);
	expect(await storedFor(userId)).toEqual(before);
	await app.fromUserMenu('Account');
	await expect(page.getByText('1 of 20 replies used in the last 24 hours (the guest allowance).')).toBeVisible();
});

test('a chat of 1,200 imported messages answers the message just sent', async ({ app, page }) => {
	await app.signUp();
	const messages = Array.from({ length: 600 }, (_, n) => [
		{ role: 'user', content: `Old question ${n} about the tides` },
		{ role: 'assistant', content: `Old answer ${n}: the moon pulls the sea.` }
	]).flat();
	const file = { format: 'parley.chats', version: 1, chats: [{ title: 'Tides, at length', messages }] };
	await page.goto('/chats');
	await app.ready();
	await page.getByLabel('Parley export (JSON)').setInputFiles({
		name: 'long.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(file))
	});
	await page.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByText('Imported 1 chat.')).toBeVisible();

	await app.chats.getByRole('link', { name: 'Tides, at length' }).click();
	const hello = unique('hello');
	await app.send(hello);
	await expect(app.said(replyFor(hello))).toBeVisible();
	await app.settled();
	const call = (await fakeModel.calls(hello)).at(-1);
	expect(call?.messages.at(-1)).toEqual({ role: 'user', content: hello });
	expect(call?.messages.at(-2)).toEqual({ role: 'assistant', content: 'Old answer 599: the moon pulls the sea.' });
	// Only the newest turns that fit the model's budget (8,192 tokens, 1,024 of them for the
	// reply, three quarters used) were sent, not all 1,200.
	expect(call!.messages.length).toBeLessThan(1200);
	const tokens = call!.messages.reduce((sum, message) => sum + Math.ceil(message.content.length / 4) + 4, 0);
	expect(tokens).toBeLessThanOrEqual((8192 - 1024) * 0.75);
});

/** Sends raw bytes and returns the status line of the answer. */
function rawStatus(origin: string, request: string): Promise<string> {
	const { hostname, port } = new URL(origin);
	return new Promise((resolve, reject) => {
		const socket = connect(Number(port), hostname, () =>
			socket.write(request.replaceAll('HOST', `${hostname}:${port}`))
		);
		let received = '';
		socket.on('data', (chunk) => (received += chunk.toString()));
		socket.setTimeout(5000, () => socket.end());
		socket.on('close', () => resolve(received.split('\r\n')[0]));
		socket.on('error', reject);
	});
}

test(
	'a request line of * or a doubled Host is a client error, not a failure of ours',
	{ tag: '@vite' },
	async ({ baseURL }, testInfo) => {
		test.skip(
			testInfo.project.name === 'worker',
			'wrangler dev’s own proxy (ProxyWorker, in wrangler) throws on these before the Worker runs; Cloudflare’s edge never forwards them, and the Worker’s own guard is covered by worker/malformed-request.test.ts'
		);
		for (const request of [
			'OPTIONS * HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n',
			'GET * HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n',
			'GET /login HTTP/1.1\r\nHost: HOST\r\nHost: evil.example\r\nConnection: close\r\n\r\n'
		]) {
			const status = await rawStatus(baseURL!, request);
			expect(status, request.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 (2|4)\d\d /);
		}
	}
);
