// Mail from the auth server: rendered from config.toml's template (or GoTrue's default) and
// handed to the local outbox. GoTrue's templates are Go templates; the few fields they use are
// filled in here by name ({{ .ConfirmationURL }}, {{ .TokenHash }}, …), which is all they need.
import { readFileSync } from 'node:fs';
import { createTransport, type Transporter } from 'nodemailer';
import type { AuthSettings, MailTemplate, SmtpSettings } from '../config.ts';
import type { AuthDeps } from './context.ts';
import { AuthError } from './errors.ts';

export interface MailFields {
	ConfirmationURL: string;
	Token: string;
	TokenHash: string;
	SiteURL: string;
	RedirectTo: string;
	Email: string;
	/** The address an email change goes to; empty in other mails. */
	NewEmail: string;
}

// Used when config.toml names no template for the kind; the subjects are GoTrue's defaults.
const DEFAULTS = {
	recovery: {
		subject: 'Reset your password',
		html: '<h2>Reset your password</h2>\n<p><a href="{{ .ConfirmationURL }}">Choose a new password</a></p>\n<p>Or enter the code {{ .Token }}.</p>'
	},
	confirmation: {
		subject: 'Confirm your email address',
		html: '<h2>Confirm your email address</h2>\n<p><a href="{{ .ConfirmationURL }}">Confirm {{ .Email }}</a></p>\n<p>Or enter the code {{ .Token }}.</p>'
	},
	email_change: {
		subject: 'Confirm your new email address',
		html: '<h2>Confirm the change of your email address</h2>\n<p>From {{ .Email }} to {{ .NewEmail }}: <a href="{{ .ConfirmationURL }}">confirm the change</a>.</p>\n<p>Or enter the code {{ .Token }}.</p>'
	},
	magic_link: {
		subject: 'Your sign-in link',
		html: '<h2>Your sign-in link</h2>\n<p><a href="{{ .ConfirmationURL }}">Sign in</a></p>\n<p>Or enter the code {{ .Token }}.</p>'
	},
	invite: {
		subject: "You've been invited",
		html: '<h2>You have been invited</h2>\n<p><a href="{{ .ConfirmationURL }}">Accept the invitation</a></p>'
	},
	reauthentication: {
		subject: 'Confirm reauthentication',
		html: '<h2>Confirm reauthentication</h2>\n<p>Enter the code: {{ .Token }}</p>'
	}
};

export type MailKind = keyof typeof DEFAULTS;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * Fills the template's fields. Go's html/template escapes by context, and templates rely on it:
 * a field in a link's query string (`href="…?email={{ .Email }}"`) is percent-encoded, so an
 * address with a `+` survives the trip; anywhere else a field is HTML-escaped.
 */
function render(template: string, fields: MailFields): string {
	const queries: [number, number][] = [];
	for (const attribute of template.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/gi)) {
		const valueStart = attribute.index + attribute[0].indexOf('"') + 1;
		const question = attribute[1].indexOf('?');
		if (question >= 0) queries.push([valueStart + question, valueStart + attribute[1].length]);
	}
	return template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (whole, name: string, offset: number) => {
		if (!Object.hasOwn(fields, name)) return whole;
		const value = fields[name as keyof MailFields];
		const inQuery = queries.some(([start, end]) => offset > start && offset < end);
		return escapeHtml(inQuery ? encodeURIComponent(value) : value);
	});
}

/** The mail's text part: the HTML without its tags, links spelled out. */
function textOf(html: string): string {
	return (
		html
			// A link may span lines, as formatters wrap long ones.
			.replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a\s*>/gi, (_, href: string, label: string) => {
				return `${label.replace(/\s+/g, ' ').trim()}: ${href}`;
			})
			.replace(/<[^>]+>/g, '')
			.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
			.replace(/&amp;/g, '&')
			.replace(/\n{3,}/g, '\n\n')
			.trim()
	);
}

/** The rendered mail: config.toml's template for the kind, or the default. */
function compose(settings: AuthSettings, kind: MailKind, fields: MailFields) {
	const template: MailTemplate = settings.templates[kind];
	const html = render(template.contentPath ? readFileSync(template.contentPath, 'utf8') : DEFAULTS[kind].html, fields);
	return { subject: template.subject ?? DEFAULTS[kind].subject, html, text: textOf(html) };
}

// One pooled connection per SMTP server, made on first use.
const transports = new Map<SmtpSettings, Transporter>();

function transportFor(smtp: SmtpSettings): Transporter {
	let transport = transports.get(smtp);
	if (!transport) {
		transport = createTransport({
			host: smtp.host,
			port: smtp.port,
			// Port 465 speaks TLS from the start; the others upgrade with STARTTLS when offered.
			secure: smtp.port === 465,
			auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
			pool: true
		});
		transports.set(smtp, transport);
	}
	return transport;
}

/** Sends through [auth.email.smtp] when it is set, else to the local outbox, as GoTrue would. */
export async function sendMail(
	deps: Pick<AuthDeps, 'settings' | 'limits'>,
	kind: MailKind,
	to: string,
	fields: MailFields
) {
	const { settings } = deps;
	const failed = (cause?: unknown) => {
		if (cause) console.error(`[auth] sending ${kind} mail failed`, cause);
		return new AuthError(500, 'unexpected_failure', `Error sending ${kind} email`);
	};
	const mail = compose(settings, kind, fields);
	if (settings.smtp) {
		if (!deps.limits.allowEmail()) throw new AuthError(429, 'over_email_send_rate_limit', 'Email rate limit exceeded');
		const { adminEmail, senderName } = settings.smtp;
		try {
			await transportFor(settings.smtp).sendMail({
				from: senderName ? { name: senderName, address: adminEmail } : adminEmail,
				to,
				...mail
			});
		} catch (error) {
			throw failed(error);
		}
		return;
	}
	// GoTrue answers like this when it has no way to send mail.
	if (!settings.mailUrl) throw failed();
	const response = await fetch(settings.mailUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			from: { Name: 'Supabase Auth', Address: 'noreply@local-supabase.test' },
			to: [{ Name: '', Address: to }],
			...mail
		})
	}).catch(() => undefined);
	if (!response?.ok) throw failed();
}
