// [auth.email.smtp]: with a mail server configured, the auth server sends through it (with its
// credentials), not to the outbox, and honours [auth.rate_limit] email_sent. The server here is
// a real SMTP server (smtp-server, from nodemailer's authors) on a loopback port.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer } from './auth-server.ts';
import { mailCount } from './outbox.ts';
import { isLocalStack, signedUpUser } from './supabase.ts';

interface Received {
	from: string;
	to: string[];
	user: string | undefined;
	raw: string;
}

/** The body of a quoted-printable mail, readable: soft line breaks joined, =XX decoded. */
const readable = (raw: string) =>
	raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

describe.skipIf(!isLocalStack)('mail through SMTP', () => {
	const received: Received[] = [];
	const smtp = new SMTPServer({
		disabledCommands: ['STARTTLS'],
		allowInsecureAuth: true,
		// The auth server keeps a pooled connection open; closing waits this long for it, not 30 s.
		closeTimeout: 100,
		logger: false,
		onAuth(auth, _session, callback) {
			if (auth.username === 'parley' && auth.password === 'smtp-secret') return callback(null, { user: auth.username });
			callback(new Error('Invalid username or password'));
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
					user: typeof session.user === 'string' ? session.user : undefined,
					raw: Buffer.concat(chunks).toString('utf8')
				});
				callback();
			});
		}
	});
	let port = 0;
	let server: Awaited<ReturnType<typeof startAuthServer>>;
	let wrongPassword: Awaited<ReturnType<typeof startAuthServer>>;

	beforeAll(async () => {
		await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
		port = (smtp.server.address() as AddressInfo).port;
		const settings = { host: '127.0.0.1', port, adminEmail: 'auth@parley.test', senderName: 'Parley' };
		server = await startAuthServer({
			smtp: { ...settings, user: 'parley', pass: 'smtp-secret' },
			rateLimits: { anonymousUsers: 30, tokenRefresh: 150, signInSignUps: 30, tokenVerifications: 30, emailSent: 2 }
		});
		wrongPassword = await startAuthServer({ smtp: { ...settings, user: 'parley', pass: 'wrong' } });
	});
	afterAll(async () => {
		await server.close();
		await wrongPassword.close();
		await new Promise<void>((resolve) => smtp.close(() => resolve()));
	});

	it('sends the mail through the SMTP server, signed in, and not to the outbox', async () => {
		const user = await signedUpUser('smtp');
		const response = await server.call('/recover', { email: user.email });
		expect(response.status).toBe(200);
		const mail = received.find((candidate) => candidate.to.includes(user.email));
		expect(mail).toMatchObject({ from: 'auth@parley.test', user: 'parley' });
		const body = readable(mail!.raw);
		expect(body).toMatch(/^Subject: Reset your Parley password$/m);
		expect(body).toMatch(/^From: Parley <auth@parley\.test>$/m);
		expect(body).toMatch(/\/auth\/confirm\?token_hash=[0-9a-f]{56}&type=recovery/);
		expect(await mailCount(user.email)).toBe(0);
	});

	it('answers 500 when the SMTP server refuses its credentials', async () => {
		const user = await signedUpUser('smtp-refused');
		const response = await wrongPassword.call('/recover', { email: user.email });
		expect([response.status, (await response.json()).code]).toEqual([500, 'unexpected_failure']);
		expect(received.some((candidate) => candidate.to.includes(user.email))).toBe(false);
	});

	it('stops at email_sent mails an hour across the instance, with 429 over_email_send_rate_limit', async () => {
		// The first test spent one of the two.
		const second = await signedUpUser('smtp-second');
		expect((await server.call('/recover', { email: second.email })).status).toBe(200);
		const third = await signedUpUser('smtp-third');
		const refused = await server.call('/recover', { email: third.email });
		expect([refused.status, await refused.json()]).toEqual([
			429,
			{ code: 'over_email_send_rate_limit', message: 'Email rate limit exceeded' }
		]);
		expect(received.some((candidate) => candidate.to.includes(third.email))).toBe(false);
	});
});
