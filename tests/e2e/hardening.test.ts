// Attacks found by trying Parley as an attacker would: each is refused, and nothing changed.
import { replyFor } from '../support/fake-provider.ts';
import {
	ChatApp,
	expect,
	fakeModel,
	readSession,
	storedFor,
	test,
	unique,
	writeSession,
	XSS_CORPUS
} from './support.ts';

const REDIRECTS = [
	'/.//evil.example',
	'/..//evil.example',
	'/x/..//evil.example',
	'/%2e//evil.example',
	'/./\\evil.example',
	'/%5c%5cevil.example',
	'//evil.example',
	'https://evil.example/',
	'javascript:alert(1)'
];

test('redirectTo never leaves the site, signed in or signing in', async ({ app, page }) => {
	await app.signUp();
	const origin = new URL(page.url()).origin;
	for (const target of REDIRECTS) {
		// Signed in: the login page sends the visitor on at once.
		const visit = await page.request.get(`/login?redirectTo=${encodeURIComponent(target)}`, { maxRedirects: 0 });
		expect(visit.status(), target).toBe(303);
		const location = visit.headers().location;
		expect(new URL(location, origin).origin, `${target} -> ${location}`).toBe(origin);
	}
	await app.signOut();
	await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();

	for (const target of REDIRECTS) {
		// Signing in on the real site with a crafted hidden field.
		const signin = await page.request.post('/login?/signin', {
			form: { email: app.email, password: 'correct-horse-battery', redirectTo: target },
			headers: { origin, accept: 'text/html' },
			maxRedirects: 0
		});
		expect(signin.status(), target).toBe(303);
		const location = signin.headers().location;
		expect(new URL(location, origin).origin, `${target} -> ${location}`).toBe(origin);
		await page.context().clearCookies();
	}

	// And through the page, as a person following a phishing link would.
	await page.goto(`/login?redirectTo=${encodeURIComponent('/.//evil.example')}`);
	await app.ready();
	await app.fillCredentials();
	await page.getByRole('button', { name: 'Sign in', exact: true }).click();
	await expect(app.chats).toBeVisible();
	expect(new URL(page.url()).origin).toBe(origin);
});

test('the sign-in guard follows the route, not the spelling of the URL', { tag: '@vite' }, async ({ page }) => {
	for (const path of ['/%63hat', '/%63hat/6b1e0f5c-1c84-4a53-9a4f-3b2f0d1e6f70', '/%63%68%61%74']) {
		const response = await page.request.get(path, { maxRedirects: 0 });
		expect(response.status(), path).toBe(303);
		expect(response.headers().location, path).toMatch(/^\/login\?redirectTo=/);
	}
});

test('odd query values and action names are refused, not crashed on', { tag: '@vite' }, async ({ app, page }) => {
	for (const reason of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
		const response = await page.request.get(`/login?reason=${reason}`);
		expect(response.status(), reason).toBe(200);
	}
	await app.signUp();
	await app.send('Keep this chat as it is');
	await expect(app.said(replyFor('Keep this chat as it is'))).toBeVisible();
	await app.settled();
	const chat = await app.chatId();
	const userId = await app.userId();
	const before = await storedFor(userId);
	const origin = new URL(page.url()).origin;
	for (const path of ['/chat', `/chat/${chat}`, '/login']) {
		for (const name of ['__proto__', 'constructor', 'toString', 'valueOf', 'default']) {
			const response = await page.request.post(`${path}?/${name}`, {
				form: { messageId: crypto.randomUUID(), content: 'via a bad action' },
				headers: { origin, accept: 'text/html' },
				maxRedirects: 0
			});
			expect(response.status(), `${path}?/${name}`).toBe(404);
		}
	}
	expect(await storedFor(userId)).toEqual(before);
});

test(
	'a cookie split into 200 junk chunks gets a bounded answer, without Secure on loopback',
	{ tag: '@vite' },
	async ({ request }) => {
		// Sent as a header: a browser keeps at most 180 cookies a host, a script or proxy need not.
		const cookie = Array.from({ length: 200 }, (_, index) => `sb-parley-auth-token.${index}=${'x'.repeat(20)}`).join(
			'; '
		);
		const response = await request.get('/chat', { headers: { cookie }, maxRedirects: 0 });
		expect(response.status()).toBe(303);
		expect(response.headers().location).toContain('reason=session-ended');
		const setCookies = response.headersArray().filter(({ name }) => name.toLowerCase() === 'set-cookie');
		expect(setCookies.length).toBeGreaterThan(0);
		expect(setCookies.length).toBeLessThanOrEqual(8);
		const headerBytes = response.headersArray().reduce((sum, { name, value }) => sum + name.length + value.length, 0);
		expect(headerBytes).toBeLessThan(4096);
		for (const { value } of setCookies) expect(value).not.toMatch(/;\s*secure/i);
	}
);

test(
	'every page is served with a CSP that forbids inline scripts and framing',
	{ tag: '@vite' },
	async ({ page, app }) => {
		for (const path of ['/login', '/chat']) {
			const response = await page.request.get(path);
			const csp = response.headers()['content-security-policy'] ?? '';
			expect(csp, path).toContain("frame-ancestors 'none'");
			expect(csp, path).toMatch(/script-src 'self' 'nonce-[\w+/=]+'/);
			expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
			expect(response.headers()['x-content-type-options']).toBe('nosniff');
		}
		// The whole loop runs under it; the fixture fails the test on any violation.
		await app.signUp();
		await app.send('Does the CSP let the chat work?');
		await expect(app.said(replyFor('Does the CSP let the chat work?'))).toBeVisible();
	}
);

test('a reply full of XSS runs nothing and draws no form, streamed and server-rendered', async ({ app, page }) => {
	await app.signUp();
	const ask = unique('Show me some HTML');
	await fakeModel.say(ask, XSS_CORPUS);
	await app.send(ask);
	const reply = app.conversation.getByRole('listitem').last();
	await expect(reply.getByRole('link', { name: 'ordered' })).toBeVisible();
	await app.settled();
	for (const pass of ['live', 'after reload']) {
		if (pass === 'after reload') {
			await page.reload();
			await expect(reply.getByRole('link', { name: 'ordered' })).toBeVisible();
		}
		const conversation = app.conversation;
		// The reply's own markup (Parley's copy buttons aside, which the sanitizer could never let a
		// reply forge: it strips <button>, and keeps only classes of Parley's own). The message's
		// action icons are SVG; the reply holds none.
		const markup = conversation.locator('.markdown');
		await expect(markup, pass).toHaveCount(1);
		await expect(markup.locator('input, textarea, select, form, button:not(.copy-code)'), pass).toHaveCount(0);
		await expect(conversation.locator('script, iframe'), pass).toHaveCount(0);
		await expect(markup.locator('img, svg, details'), pass).toHaveCount(0);
		const links = conversation.getByRole('link');
		for (const link of await links.all()) {
			expect(await link.getAttribute('rel'), pass).toBe('noopener noreferrer nofollow');
			expect(await link.getAttribute('href'), pass).toMatch(/^https:/);
		}
	}
	// The fixture fails the test if any alert() ran or the CSP blocked anything.
});

test(
	'a token refresh while a reply streams does not lose the reply',
	{ tag: '@vite' },
	async ({ app, page, context }) => {
		await app.signUp();
		await app.send('warm up');
		await expect(app.said(replyFor('warm up'))).toBeVisible();
		await app.settled();
		// 93 s left: the request starts without a refresh, and the reply (250 words, 20 ms apart)
		// ends inside auth-js's 90 s margin, where the old code refreshed after the response.
		const session = await readSession(context);
		await writeSession(context, { ...session, expires_at: Math.floor(Date.now() / 1000) + 93 });
		const words = Array.from({ length: 250 }, (_, index) => `word${index}`).join(' ');
		const ask = unique('A long answer, please');
		await fakeModel.say(ask, words);
		await app.send(ask);
		await expect(app.conversation.getByText(/word249/)).toBeVisible({ timeout: 15_000 });
		await app.settled();
		const stored = await storedFor(await app.userId());
		const reply = stored.messages.at(-1)!;
		expect([reply.role, reply.status, reply.content]).toEqual(['assistant', 'complete', words]);
		await expect(page.getByRole('alert')).toHaveCount(0);
	}
);

test('a new chat whose reply arrives at once ends on the chat, not on an empty New chat', async ({ app, page }) => {
	await app.signUp();
	for (let attempt = 0; attempt < 3; attempt++) {
		await page.goto('/chat');
		const quick = unique(`Quick one ${attempt}`);
		await fakeModel.say(quick, 'Done.');
		await app.send(quick);
		await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
		await expect(app.said(quick)).toBeVisible();
		await expect(app.said('Done.')).toBeVisible();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(quick);
	}
});

test('after signing out, Back shows no chat: a signed-in page is kept by no cache', async ({ app, page }) => {
	await app.signUp();
	const secret = unique('Something private');
	await app.send(secret);
	await expect(app.said(replyFor(secret))).toBeVisible();
	await app.settled();
	const chat = await page.goto(page.url());
	await expect(app.said(secret)).toBeVisible();

	await app.signOut();
	await expect(page).toHaveURL(/\/login/);
	await page.goBack();
	await expect(page).toHaveURL(/\/login/);
	await expect(page.getByText(secret)).toHaveCount(0);
	expect(chat!.headers()['cache-control']).toBe('private, no-store');
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('signing in through a crafted link stays on the site', async ({ page }) => {
		const app = new ChatApp(page, 'nojs-redirect', { javaScript: false });
		await app.signUp();
		await app.signOut();
		await page.goto(`/login?redirectTo=${encodeURIComponent('/%2e//evil.example')}`);
		await app.fillCredentials();
		await page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await expect(app.chats).toBeVisible();
		expect(new URL(page.url()).pathname).toBe('/chat');
	});
});
