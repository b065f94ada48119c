// Mirrors the CHECK constraints in supabase/migrations/*_chat.sql; change both together.
import { z } from 'zod';
import { MESSAGE_MAX_LENGTH } from '$lib/chat/limits';
import { storableText } from '$lib/chat/text';

const messageContent = z
	.string({ error: 'Write a message first.' })
	.transform(storableText)
	.pipe(
		z
			.string()
			.trim()
			.min(1, { error: 'Write a message first.' })
			.max(MESSAGE_MAX_LENGTH, {
				error: `Messages can be at most ${MESSAGE_MAX_LENGTH.toLocaleString('en')} characters long.`
			})
	);

export const chatId = z.uuid({ error: 'That chat id is not valid.' });

/** What the composer posts. The form picks the message id, so posting it twice stores it once. */
export const sendMessageSchema = z.object({
	messageId: z.uuid({ error: 'The form is out of date. Reload the page and send again.' }),
	content: messageContent
});

export const retryReplySchema = z.object({
	replyId: z.uuid({ error: 'That reply id is not valid.' })
});

/** The streaming endpoint takes either a new message or a retry. */
export const streamRequestSchema = z.union([
	sendMessageSchema.extend({ sessionId: chatId.optional() }),
	retryReplySchema
]);
