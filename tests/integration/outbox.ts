// The local mail outbox, read through its Mailpit API as the tests read every mail.
import { env } from './supabase.ts';

export const outbox = env.MAILPIT_URL;

interface MailSummary {
	ID: string;
	To: { Address: string }[];
	Subject: string;
}

/** The newest mail to `address`, waiting briefly for it. */
export async function mailTo(address: string): Promise<{ Subject: string; HTML: string; Text: string }> {
	for (let attempt = 0; attempt < 50; attempt++) {
		const list = (await (await fetch(`${outbox}/api/v1/messages`)).json()) as { messages: MailSummary[] };
		const found = list.messages.find((message) => message.To.some((to) => to.Address === address));
		if (found) return (await fetch(`${outbox}/api/v1/message/${found.ID}`)).json();
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`no mail to ${address}`);
}
export const mailCount = async (address: string) => {
	const list = (await (await fetch(`${outbox}/api/v1/messages`)).json()) as { messages: MailSummary[] };
	return list.messages.filter((message) => message.To.some((to) => to.Address === address)).length;
};
export const tokenHashIn = (html: string) => /token_hash=([0-9a-f]+)/.exec(html)?.[1];

/** Every mail to `address`, newest first, whole. */
export async function mailsTo(address: string): Promise<{ Subject: string; HTML: string; Text: string }[]> {
	const list = (await (await fetch(`${outbox}/api/v1/messages`)).json()) as { messages: MailSummary[] };
	const found = list.messages.filter((message) => message.To.some((to) => to.Address === address));
	return Promise.all(found.map(async (message) => (await fetch(`${outbox}/api/v1/message/${message.ID}`)).json()));
}
