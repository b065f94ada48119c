// Page objects and fixtures for the end-to-end tests. The UI is driven by role and accessible
// name only, as a person with a screen reader would find it.
import { randomUUID } from 'node:crypto';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { createClient } from '@supabase/supabase-js';

export { expect };

export const PASSWORD = 'correct-horse-battery';
export const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;
/**
 * Text that only this run of this test sends. Tests run at once, each on two targets, and share
 * one fake model: a plan for the fake (`fakeModel.say`, `fail`, `title`) and a look at its calls
 * are keyed by text the test alone sent.
 */
export const unique = (text: string) => `${text} (${randomUUID().slice(0, 6)})`;

/** The service-role client: the tests' way to check what is (and is not) stored. */
export const admin = createClient(process.env.PUBLIC_SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!, {
	auth: { persistSession: false, autoRefreshToken: false }
});

export async function storedFor(userId: string) {
	const sessions = await admin.from('chat_sessions').select('id, title').eq('user_id', userId).order('created_at');
	const messages = await admin
		.from('chat_messages')
		.select('id, role, content, status')
		.eq('user_id', userId)
		.order('position');
	return { sessions: sessions.data ?? [], messages: messages.data ?? [] };
}

export class ChatApp {
	readonly page: Page;
	readonly email: string;
	readonly javaScript: boolean;
	constructor(page: Page, label = 'e2e', options: { javaScript?: boolean } = {}) {
		this.page = page;
		this.email = uniqueEmail(label);
		this.javaScript = options.javaScript ?? true;
	}

	get message() {
		return this.page.getByRole('textbox', { name: 'Message' });
	}
	get conversation() {
		return this.page.getByRole('region', { name: 'Conversation' });
	}
	/** A message in the conversation, by its whole text. */
	said(text: string) {
		return this.conversation.getByText(text, { exact: true });
	}
	get chats() {
		return this.page.getByRole('navigation', { name: 'Chats' });
	}
	get modelPicker() {
		return this.page.getByRole('combobox', { name: 'Model' });
	}
	get systemPrompt() {
		return this.page.getByRole('textbox', { name: 'System prompt' });
	}

	/** The account menu at the foot of the sidebar, named for who is signed in (an email, or Guest). */
	get userMenu() {
		return this.page.getByRole('button', { name: /^Account menu: / });
	}

	/** Opens the account menu; on a phone the sidebar is a drawer, opened first. */
	async openUserMenu() {
		await this.ready();
		if (!(await this.userMenu.isVisible())) await this.page.getByRole('button', { name: 'Chats' }).click();
		if ((await this.userMenu.locator('xpath=..').getAttribute('open')) === null) await this.userMenu.click();
	}

	/** One of the account menu's items: Account, Library (links) or Sign out (a button). */
	async fromUserMenu(item: 'Account' | 'Library' | 'Sign out') {
		await this.openUserMenu();
		const role = item === 'Sign out' ? 'button' : 'link';
		await this.page.getByRole(role, { name: item, exact: true }).click();
	}

	signOut() {
		return this.fromUserMenu('Sign out');
	}

	/** The chat page's own Chat options menu (Share, Export, Chat settings), opened. */
	async openChatOptions() {
		await this.ready();
		const options = this.page.getByRole('main').getByRole('button', { name: 'Chat options' });
		if ((await options.locator('xpath=..').getAttribute('open')) === null) await options.click();
	}

	/** Shares the open chat: Chat options → Share → Create public link; returns the link. */
	async share({ withThinking = false } = {}): Promise<string> {
		const dialog = this.page.getByRole('dialog', { name: 'Share this chat' });
		if (!(await dialog.isVisible())) {
			await this.openChatOptions();
			await this.page.getByRole('link', { name: 'Share', exact: true }).click();
		}
		if (withThinking) await dialog.getByRole('checkbox', { name: 'Include the model’s thinking' }).check();
		await dialog.getByRole('button', { name: 'Create public link' }).click();
		const link = dialog.getByRole('textbox', { name: 'Share link' });
		await expect(link).toHaveValue(/\/share\//);
		return link.inputValue();
	}

	/** A chat's row in the sidebar, by text in its title. */
	chatRow(title: string) {
		return this.chats.getByRole('listitem').filter({ hasText: title });
	}

	/** Rename or Delete from a chat row's own Chat options menu. */
	async fromChatRow(title: string, item: 'Rename' | 'Delete') {
		const row = this.chatRow(title);
		await row.getByRole('button', { name: 'Chat options' }).click();
		await row.getByRole('button', { name: item }).click();
	}

	/** Opens the chat's settings, sets its system prompt and saves it. */
	async saveSystemPrompt(text: string) {
		await this.openChatOptions();
		await this.page.getByRole('link', { name: 'Chat settings' }).click();
		await this.systemPrompt.fill(text);
		await this.page.getByRole('button', { name: 'Save settings' }).click();
	}

	async fillCredentials(email = this.email) {
		await this.page.getByRole('textbox', { name: 'Email' }).fill(email);
		await this.page.getByLabel('Password').fill(PASSWORD);
	}

	/** Signs up as a person does: the sign-in page, the form, the button. */
	async signUpThroughTheForm() {
		await this.page.goto('/login');
		await this.ready();
		await this.fillCredentials();
		await this.page.getByRole('button', { name: 'Sign up' }).click();
		await this.signedIn();
		return this;
	}

	/**
	 * A new account, signed in, on the new-chat page. Where signing up is not the subject, the form
	 * is posted as a browser without JavaScript posts it, and the chat page opened: the same action
	 * and cookies, without loading the sign-in page first.
	 */
	async signUp() {
		const response = await this.page.request.post('/login?/signup', {
			form: { email: this.email, password: PASSWORD },
			headers: { origin: new URL(base.info().project.use.baseURL!).origin, accept: 'text/html' },
			maxRedirects: 0
		});
		expect(response.status(), 'the sign-up form answers with a redirect').toBe(303);
		await this.page.goto('/chat');
		await this.signedIn();
		return this;
	}

	async signIn() {
		await this.page.goto('/login');
		await this.ready();
		await this.fillCredentials();
		await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
		await this.signedIn();
	}

	/** On a chat page, whether the chat list shows or sits in the phone's drawer. */
	async signedIn() {
		await expect(this.page).toHaveURL(/\/chat(\/|\?|$)/);
		await expect(this.message).toBeVisible();
	}

	/** With JavaScript on, waits until the page is enhanced; before that a click posts natively. */
	async ready() {
		if (this.javaScript) await this.page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
	}

	async send(text: string) {
		await this.ready();
		await this.message.fill(text);
		await this.page.getByRole('button', { name: 'Send' }).click();
	}

	/** The reply is stored and the page shows the stored copy (the composer is free again). */
	async settled() {
		await expect(this.page.getByRole('button', { name: 'Send' })).toBeEnabled();
		await expect(this.conversation.locator('[aria-busy="true"]')).toHaveCount(0);
	}

	async userId(): Promise<string> {
		// The signed-in person's session names them; reading it spares the auth server a list of
		// every account (which grows with every run against a long-lived local stack).
		const session = await readSession(this.page.context()).catch(() => null);
		const signedIn = session?.user as { id?: string; email?: string } | undefined;
		if (signedIn?.id && signedIn.email === this.email) return signedIn.id;
		const { data } = await admin.auth.admin.listUsers({ perPage: 1000 });
		const user = data.users.find((candidate) => candidate.email === this.email);
		if (!user) throw new Error(`no user ${this.email}`);
		return user.id;
	}

	/**
	 * The chat id in the address bar, once it is there: a first message moves to the new chat's
	 * page as its reply starts, and the move may still be on its way.
	 */
	async chatId(): Promise<string> {
		const onChat = /^\/chat\/([0-9a-f-]{36})$/;
		await expect(this.page).toHaveURL((url) => onChat.test(url.pathname));
		return onChat.exec(new URL(this.page.url()).pathname)![1];
	}
}

/** The session auth-js keeps in the (possibly chunked) `sb-parley-auth-token` cookie. */
export interface StoredSession {
	access_token: string;
	refresh_token: string;
	expires_at: number;
	[key: string]: unknown;
}

const COOKIE = 'sb-parley-auth-token';

export async function readSession(context: BrowserContext): Promise<StoredSession> {
	const cookies = (await context.cookies()).filter(
		(cookie) => cookie.name === COOKIE || cookie.name.startsWith(`${COOKIE}.`)
	);
	cookies.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
	// The app writes it as URI-encoded JSON (cookieEncoding 'raw'); @supabase/ssr's default is base64url.
	const raw = cookies.map((cookie) => cookie.value).join('');
	if (raw.startsWith('base64-'))
		return JSON.parse(Buffer.from(raw.slice('base64-'.length), 'base64url').toString('utf8')) as StoredSession;
	if (!raw) throw new Error('no session cookie');
	return JSON.parse(decodeURIComponent(raw)) as StoredSession;
}

/**
 * Rewrites the session cookie in place, e.g. to make the access token look expired; in @supabase/ssr's
 * default base64url encoding, which the app wrote before it wrote JSON, when asked.
 */
export async function writeSession(context: BrowserContext, session: StoredSession, { base64 = false } = {}) {
	const [cookie] = (await context.cookies()).filter((candidate) => candidate.name === COOKIE);
	if (!cookie) throw new Error('the session cookie is chunked or missing');
	const json = JSON.stringify(session);
	const value = base64 ? `base64-${Buffer.from(json).toString('base64url')}` : encodeURIComponent(json);
	await context.addCookies([{ ...cookie, value }]);
}

export interface FakeCall {
	api: 'openai' | 'anthropic';
	model: string;
	system: string | null;
	messages: { role: string; content: string }[];
	images: { wire: 'image_url' | 'image' | 'inlineData'; mediaType: string; bytes: number; sha256: string }[];
	tools: string[];
	toolResults: { id: string; content: string }[];
	receivedAt: number;
	firstTokenAt: number | null;
}

/**
 * Steers the fake provider (tests/support/fake-provider.ts) running beside the app. Every plan
 * names `when`: text of this test's own (see `unique`) that the call's last message from the
 * person contains (for a title, the chat's first message), so no other test can take it.
 */
export const fakeModel = {
	url: 'http://127.0.0.1:4010',
	async control(path: string, body: object) {
		const response = await fetch(`${this.url}/_control/${path}`, { method: 'POST', body: JSON.stringify(body) });
		if (!response.ok) throw new Error(`the fake model refused ${path}: ${response.status}`);
	},
	/** The next call about `when` fails in this way. */
	fail(when: string, mode: 'status' | 'mid-stream' | 'hang') {
		return this.control('fail', { when, mode });
	},
	/**
	 * The next reply to a message containing `when` is exactly this text, its words delayMs apart,
	 * after `thinking` (streamed as the model's thoughts, in each API's own format) when given.
	 */
	say(when: string, text: string, delayMs?: number, thinking?: string) {
		return this.control('say', { when, text, delayMs, thinking });
	},
	/** The next call about `when` asks for these tools (after `text`); the call that brings their answers takes the next plan. */
	callTools(when: string, toolCalls: { name: string; arguments: Record<string, unknown> }[], text = '') {
		return this.control('say', { when, text, toolCalls });
	},
	/** The next title call for a chat whose first message contains `when` answers this (after delayMs), or fails. */
	title(when: string, plan: { text?: string; fail?: boolean; delayMs?: number }) {
		return this.control('title', { when, ...plan });
	},
	async titleCalls(containing: string): Promise<FakeCall[]> {
		return (await fetch(`${this.url}/_control/title-calls?containing=${encodeURIComponent(containing)}`)).json();
	},
	/** The reply calls whose messages mention `containing`. */
	async calls(containing: string): Promise<FakeCall[]> {
		return (await fetch(`${this.url}/_control/calls?containing=${encodeURIComponent(containing)}`)).json();
	}
};

/** The test MCP server beside the app (tests/support/mcp-server.ts; its port is playwright.config.ts's). */
export const testTools = {
	url: 'http://127.0.0.1:4012',
	/** The notes its send_note tool was asked to send. */
	async notes(): Promise<string[]> {
		return (await fetch(`${this.url}/_control/notes`)).json();
	}
};

const outbox = process.env.MAILPIT_URL ?? 'http://127.0.0.1:54324';

/** The /auth/confirm link of the newest mail to `email` in the local outbox (Mailpit's API), as a path. */
export async function mailedLink(email: string): Promise<string> {
	for (let attempt = 0; attempt < 50; attempt++) {
		const list = (await (await fetch(`${outbox}/api/v1/messages`)).json()) as {
			messages: { ID: string; To: { Address: string }[] }[];
		};
		const mail = list.messages.find((message) => message.To.some((to) => to.Address === email));
		if (mail) {
			const { HTML } = (await (await fetch(`${outbox}/api/v1/message/${mail.ID}`)).json()) as { HTML: string };
			const href = /href="([^"]*\/auth\/confirm\?[^"]*)"/.exec(HTML)?.[1];
			if (!href) throw new Error('the mail has no /auth/confirm link');
			// The mail links to the configured site URL; the test opens the same path on the app under test.
			const link = new URL(href.replaceAll('&amp;', '&'));
			return link.pathname + link.search;
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`no mail to ${email}`);
}

/**
 * Takes the database away from one person's requests (those made with their token), and gives it
 * back (tests/support/fault-proxy.ts).
 */
export async function setDatabaseDown(userId: string, down: boolean): Promise<void> {
	await fetch('http://127.0.0.1:4011/_control/database', {
		method: 'POST',
		body: JSON.stringify({ user: userId, down })
	});
}

/**
 * The app's requests to the auth server that were about this person (by their token, the address
 * they sent, or the user in the answer), as the fault proxy in front of Supabase saw them.
 */
export async function authRequestsAbout(person: { userId?: string; email?: string }): Promise<string[]> {
	const query = new URLSearchParams({ user: person.userId ?? '', email: person.email ?? '' });
	const entries = (await (await fetch(`http://127.0.0.1:4011/_control/auth-requests?${query}`)).json()) as {
		method: string;
		path: string;
	}[];
	return entries.map((entry) => `${entry.method} ${entry.path}`);
}

/**
 * The database requests made with this person's token, as `METHOD /path`, oldest first; a retry
 * postgrest-js sent reads `METHOD /path (retry n)`.
 */
export async function databaseRequestsFor(userId: string): Promise<string[]> {
	const query = new URLSearchParams({ user: userId });
	const entries = (await (await fetch(`http://127.0.0.1:4011/_control/database-requests?${query}`)).json()) as {
		method: string;
		path: string;
		retry?: string;
	}[];
	return entries.map((entry) => `${entry.method} ${entry.path}${entry.retry ? ` (retry ${entry.retry})` : ''}`);
}

/**
 * Every test's page reports CSP violations and dialogs (an alert() from injected markup), and the
 * test fails on any: the CSP is meant to block nothing Parley itself does, and no reply may run code.
 */
export const test = base.extend<{ app: ChatApp; pageFaults: string[] }>({
	pageFaults: async ({ context }, use) => {
		const faults: string[] = [];
		await context.exposeFunction('__parleyFault', (fault: string) => void faults.push(fault));
		await context.addInitScript(() => {
			const report = (window as unknown as { __parleyFault(fault: string): void }).__parleyFault;
			document.addEventListener('securitypolicyviolation', (event) => {
				report(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`);
			});
			for (const name of ['alert', 'confirm', 'prompt'] as const) {
				window[name] = ((...args: unknown[]) => {
					report(`${name}(${args.map(String).join(', ')}) was called`);
				}) as never;
			}
		});
		await use(faults);
		expect(faults, 'CSP violations or dialogs on the page').toEqual([]);
	},
	page: async ({ page, pageFaults }, use) => {
		page.on('dialog', (dialog) => {
			pageFaults.push(`a ${dialog.type()} dialog opened: ${dialog.message()}`);
			void dialog.dismiss();
		});
		await use(page);
	},
	app: async ({ page }, use) => {
		await use(new ChatApp(page));
	}
});

/** Markup that would run, draw a form or leave the site if a page let it through as HTML. */
export const XSS_CORPUS = [
	'<script>alert("script")</script>',
	'<img src=x onerror=alert("img")>',
	'<svg onload=alert("svg")></svg>',
	'[link](javascript:alert("link"))',
	'<a href="jav&#x09;ascript:alert(\'entity\')">entity</a>',
	'<iframe srcdoc="<script>parent.alert(\'iframe\')</script>"></iframe>',
	'<details open ontoggle=alert("details")>',
	'<input type=text name=password placeholder="Your password">',
	'<input name=pw autofocus onfocus=alert("focus")>',
	'<form action="https://evil.example"><button>Go</button></form>',
	'<textarea>type your password</textarea>',
	'<a title="t" href="https://example.com">ordered</a>'
].join('\n\n');
