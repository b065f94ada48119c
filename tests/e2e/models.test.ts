// Several models and a picker, and a system prompt per chat: with JavaScript and without. The
// fake provider answers `fake-model` in OpenAI's wire format and `fake-claude` in Anthropic's, and
// lists the models it offers for an entry that discovers them.
import { FAKE_SERVER_MODELS, replyFor } from '../support/fake-provider.ts';
import type { Page } from '@playwright/test';
import { admin, ChatApp, expect, fakeModel, test, unique } from './support.ts';

async function storedReplies(app: ChatApp) {
	const { data } = await admin
		.from('chat_messages')
		.select('model, content')
		.eq('user_id', await app.userId())
		.eq('role', 'assistant')
		.order('position');
	return data ?? [];
}

async function pickAndSend(app: ChatApp, page: Page) {
	const [hello, back] = ['Hello over there', 'And back'].map(unique);
	await app.signUp();
	await expect(app.modelPicker).toHaveValue('fake-model');
	await app.ready();
	await app.modelPicker.selectOption({ label: 'Fake Claude' });
	await app.send(hello);
	await expect(app.said(replyFor(hello))).toBeVisible();
	expect((await fakeModel.calls(hello)).at(-1)).toMatchObject({ api: 'anthropic', model: 'fake-claude' });

	// The choice is the chat's: it survives a reload, and a switch back is recorded per reply.
	await app.settled();
	await page.reload();
	await expect(app.modelPicker).toHaveValue('fake-claude');
	await app.ready();
	await app.modelPicker.selectOption('fake-model');
	await app.send(back);
	await expect(app.said(replyFor(back))).toBeVisible();
	await app.settled();
	expect((await fakeModel.calls(back)).at(-1)).toMatchObject({ api: 'openai', model: 'fake-model' });
	expect(await storedReplies(app)).toEqual([
		{ model: 'fake-claude', content: replyFor(hello) },
		{ model: 'fake-model', content: replyFor(back) }
	]);
	// A reply by another model than the chat's now names it, quietly; the chat's own do not.
	const replies = app.conversation.getByRole('listitem').filter({ hasText: 'Assistant' });
	await expect(replies.first()).toContainText('Fake Claude');
	await expect(replies.last()).not.toContainText(/fake|Fake Claude/);
	await page.reload();
	await expect(app.modelPicker).toHaveValue('fake-model');
}

async function promptAndSend(app: ChatApp, page: Page) {
	const [start, bonjour, plainAgain] = ['Start here', 'Bonjour?', 'Plain again'].map(unique);
	await app.signUp();
	await app.send(start);
	await expect(app.said(replyFor(start))).toBeVisible();
	await app.settled();
	await app.saveSystemPrompt('Answer in French.');
	// Shown in the chat, so the person knows it is there.
	await expect(page.getByText('System prompt: Answer in French.')).toBeVisible();
	await app.send(bonjour);
	await expect(app.said(replyFor(bonjour))).toBeVisible();
	expect((await fakeModel.calls(bonjour)).at(-1)?.system).toBe('Answer in French.');

	// Emptied, it is gone from the page and from the next call.
	await app.settled();
	await app.saveSystemPrompt('');
	await expect(page.getByText('System prompt: Answer in French.')).toHaveCount(0);
	await app.send(plainAgain);
	await expect(app.said(replyFor(plainAgain))).toBeVisible();
	expect((await fakeModel.calls(plainAgain)).at(-1)?.system).toBeNull();
}

test('the Model picker chooses who answers, kept per chat and recorded per reply', async ({ app, page }) => {
	await pickAndSend(app, page);
});

test('a chat’s own system prompt is saved, shown and sent', async ({ app, page }) => {
	await promptAndSend(app, page);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the Model picker works through the plain form', async ({ page }) => {
		await pickAndSend(new ChatApp(page, 'nojs-model', { javaScript: false }), page);
	});

	test('the system prompt is saved through the plain form', async ({ page }) => {
		await promptAndSend(new ChatApp(page, 'nojs-prompt', { javaScript: false }), page);
	});

	test('an overlong system prompt is refused with the text kept', async ({ page }) => {
		const app = await new ChatApp(page, 'nojs-prompt-long', { javaScript: false }).signUp();
		await app.send('Hi');
		await expect(app.said(replyFor('Hi'))).toBeVisible();
		await app.saveSystemPrompt('x'.repeat(4001));
		await expect(page.getByRole('alert')).toHaveText('A system prompt can be at most 4,000 characters long.');
		await expect(app.systemPrompt).toHaveValue('x'.repeat(4001));
		const { data } = await admin
			.from('chat_sessions')
			.select('system_prompt')
			.eq('id', await app.chatId())
			.single();
		expect(data).toEqual({ system_prompt: null });
	});
});

test('a chat whose model left the configuration says so and falls back to the default', async ({ app, page }) => {
	await app.signUp();
	await app.send('Before the change');
	await expect(app.said(replyFor('Before the change'))).toBeVisible();
	await app.settled();
	await admin
		.from('chat_sessions')
		.update({ model: 'retired-model' })
		.eq('id', await app.chatId());
	await page.reload();
	await expect(
		page.getByText('This chat used retired-model, which is no longer offered here. Replies now come from fake-model.')
	).toBeVisible();
	await expect(app.modelPicker).toHaveValue('fake-model');
	await app.send('After the change');
	await expect(app.said(replyFor('After the change'))).toBeVisible();
	await app.settled();
	expect((await storedReplies(app)).at(-1)).toEqual({ model: 'fake-model', content: replyFor('After the change') });
});

test('a model that is not offered is refused before anything is stored', async ({ app, page }) => {
	await app.signUp();
	const response = await page.request.post('/api/chat', {
		headers: { origin: new URL(page.url()).origin, accept: 'application/json' },
		data: { messageId: crypto.randomUUID(), content: 'Use my own endpoint', model: 'gpt-secret-internal' }
	});
	expect(response.status()).toBe(400);
	expect((await response.json()).error.code).toBe('bad_request:model');
	expect(await storedReplies(app)).toEqual([]);
	const { data } = await admin
		.from('chat_sessions')
		.select('id')
		.eq('user_id', await app.userId());
	expect(data).toEqual([]);
});

test(
	'the models a server offers are listed under its name, and a server that is not there is named',
	{ tag: '@vite' },
	async ({ app, page }) => {
		await app.signUp();
		const offered = app.modelPicker.locator('optgroup[label="Fake server"] option');
		await expect(offered).toHaveText(FAKE_SERVER_MODELS);
		const gone = app.modelPicker.getByRole('option', { name: 'Gone server: 127.0.0.1:9 cannot be reached' });
		await expect(gone).toBeDisabled();
		await app.ready();
		await app.modelPicker.selectOption({ label: 'fake-small' });
		const ask = unique('Discovered model, answer');
		await app.send(ask);
		await expect(app.said(replyFor(ask))).toBeVisible();
		await app.settled();
		expect((await fakeModel.calls(ask)).at(-1)).toMatchObject({ api: 'openai', model: 'fake-small' });
		expect((await storedReplies(app)).at(-1)).toEqual({ model: 'local/fake-small', content: replyFor(ask) });
		// The chat keeps the choice.
		await page.reload();
		await expect(app.modelPicker).toHaveValue('local/fake-small');
	}
);
