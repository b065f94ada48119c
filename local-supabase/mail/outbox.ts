// The local mail outbox: where the auth server's mail goes instead of the internet, as Mailpit
// catches it for `supabase start`. It speaks the part of Mailpit's HTTP API that tests read
// (GET /api/v1/messages, GET /api/v1/message/{ID}, DELETE /api/v1/messages) and lists the mail on
// a small page at /. Mail is kept in memory, newest first, at most MAX_MESSAGES of it.
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';

export const DELIVER_PATH = '/_local/deliver';
const MAX_MESSAGES = 500;

const address = z.object({ Name: z.string().default(''), Address: z.string().email() });
export const deliverySchema = z.object({
	from: address,
	to: z.array(address).min(1),
	subject: z.string(),
	text: z.string(),
	html: z.string()
});
export type Delivery = z.infer<typeof deliverySchema>;

interface StoredMail extends Delivery {
	id: string;
	messageId: string;
	created: string;
	read: boolean;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export function createOutboxApp() {
	const mail: StoredMail[] = [];
	const app = new Hono();

	const summary = (message: StoredMail) => ({
		ID: message.id,
		MessageID: message.messageId,
		Read: message.read,
		From: message.from,
		To: message.to,
		Cc: [],
		Bcc: [],
		Subject: message.subject,
		Created: message.created,
		Size: message.html.length + message.text.length,
		Snippet: message.text.replace(/\s+/g, ' ').trim().slice(0, 250)
	});

	app.get('/livez', (c) => c.text('ok'));
	app.post(DELIVER_PATH, async (c) => {
		const parsed = deliverySchema.safeParse(await c.req.json().catch(() => null));
		if (!parsed.success) return c.json({ error: parsed.error.issues[0]?.message ?? 'bad mail' }, 400);
		const stored: StoredMail = {
			...parsed.data,
			id: randomUUID(),
			messageId: `${randomUUID()}@local-supabase`,
			created: new Date().toISOString(),
			read: false
		};
		mail.unshift(stored);
		mail.length = Math.min(mail.length, MAX_MESSAGES);
		return c.json({ ID: stored.id });
	});
	app.get('/api/v1/messages', (c) => {
		const limit = Math.min(Number(c.req.query('limit') ?? 50) || 50, MAX_MESSAGES);
		const start = Math.max(Number(c.req.query('start') ?? 0) || 0, 0);
		return c.json({
			total: mail.length,
			unread: mail.filter((message) => !message.read).length,
			count: Math.min(limit, Math.max(mail.length - start, 0)),
			start,
			messages: mail.slice(start, start + limit).map(summary)
		});
	});
	app.get('/api/v1/message/:id', (c) => {
		const message = mail.find((candidate) => candidate.id === c.req.param('id'));
		if (!message) return c.text('message not found', 404);
		message.read = true;
		return c.json({ ...summary(message), Date: message.created, Text: message.text, HTML: message.html });
	});
	app.delete('/api/v1/messages', (c) => {
		mail.length = 0;
		return c.text('ok');
	});
	app.get('/', (c) => {
		const rows = mail
			.map(
				(message) =>
					`<li><a href="/view/${message.id}">${escapeHtml(message.subject)}</a> to ${escapeHtml(
						message.to.map((to) => to.Address).join(', ')
					)} <small>${message.created}</small></li>`
			)
			.join('');
		return c.html(
			`<!doctype html><html lang="en"><meta charset="utf-8"><title>Local outbox</title>` +
				`<h1>Local outbox</h1><p>Mail the local auth server sent. Nothing here leaves this machine.</p>` +
				`<ul>${rows || '<li>No mail yet.</li>'}</ul></html>`
		);
	});
	app.get('/view/:id', (c) => {
		const message = mail.find((candidate) => candidate.id === c.req.param('id'));
		if (!message) return c.text('message not found', 404);
		message.read = true;
		// The text part, escaped: the outbox never renders a mail's HTML.
		return c.html(
			`<!doctype html><html lang="en"><meta charset="utf-8"><title>${escapeHtml(message.subject)}</title>` +
				`<p><a href="/">All mail</a></p><h1>${escapeHtml(message.subject)}</h1>` +
				`<p>To ${escapeHtml(message.to.map((to) => to.Address).join(', '))}</p><pre>${escapeHtml(message.text)}</pre></html>`
		);
	});
	return app;
}
