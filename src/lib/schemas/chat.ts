// Mirrors the CHECK constraints in supabase/migrations/*_chat.sql; change both together.
import { z } from 'zod';
import { MESSAGE_MAX_LENGTH, SYSTEM_PROMPT_MAX_LENGTH } from '$lib/chat/limits';
import { storableText } from '$lib/chat/text';
import { attachmentsSchema } from './attachments';

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

/** A configured model's id; the server checks that it is still offered. Blank means the default. */
const modelId = z
	.string()
	.trim()
	.max(200, { error: 'That model is not offered here.' })
	.transform((value) => value || undefined)
	.optional();

const formMessageId = z.uuid({ error: 'The form is out of date. Reload the page and send again.' });
/** A form's "none" (an empty field) reads as absent. */
const optionalId = z.preprocess((value) => value || undefined, formMessageId.optional());

/**
 * What the composer posts. The form picks the message id, so posting it twice stores it once,
 * and names the last message it showed, which the new one answers.
 */
export const sendMessageSchema = z.object({
	messageId: formMessageId,
	content: messageContent,
	model: modelId,
	parentId: optionalId
});

/** "Save and send" on an edited message: the new text becomes a new version of sourceId. */
export const editMessageSchema = z.object({
	messageId: formMessageId,
	sourceId: z.uuid({ error: 'That message id is not valid.' }),
	content: messageContent
});

/** Another version of a message to show. */
export const versionSchema = z.object({
	messageId: z.uuid({ error: 'That message id is not valid.' })
});

/** The person's answer to a tool call their reply waits on. */
export const toolDecisionSchema = z.object({
	replyId: z.uuid({ error: 'That reply id is not valid.' }),
	callId: z.string().min(1).max(200, { error: 'That call id is not valid.' }),
	decision: z.enum(['allow', 'always', 'deny'], {
		error: 'Choose Allow, Always allow in this chat or Deny.'
	})
});

// A tool as the model names it: the server's id, two underscores, the tool's name.
const toolName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,23}__[a-zA-Z0-9_-]{1,64}$/, {
	error: 'That tool is not one Parley offers.'
});
const toolNames = z.array(toolName).max(200, { error: 'That is more tools than Parley offers.' });

/**
 * The tool switches of Chat settings, when it showed them: the tools it listed, the ones left on,
 * and the ones switched off before that it did not list (a server that did not answer). What is
 * kept is the list switched off.
 */
export const toolSwitchesSchema = z
	.object({ listed: toolNames, on: toolNames, kept: toolNames })
	.transform(({ listed, on, kept }) => [
		...new Set([...kept.filter((name) => !listed.includes(name)), ...listed.filter((name) => !on.includes(name))])
	])
	.pipe(toolNames);

/** A chat's settings form. An empty prompt removes the chat's own prompt. */
export const chatSettingsSchema = z.object({
	/** Absent when the form did not show the tools (none configured, or they could not be read). */
	toolsOff: toolSwitchesSchema.optional(),
	systemPrompt: z
		.string()
		.transform(storableText)
		.pipe(
			z
				.string()
				.trim()
				.max(SYSTEM_PROMPT_MAX_LENGTH, {
					error: `A system prompt can be at most ${SYSTEM_PROMPT_MAX_LENGTH.toLocaleString('en')} characters long.`
				})
		)
});

const ticked = z
	.enum(['on'], { error: 'That sharing choice is not valid.' })
	.nullable()
	.transform((value) => value === 'on');

/** Create public link; the model's thinking and the tool calls go into the copy only when ticked. */
export const shareSchema = z.object({ withThinking: ticked, withTools: ticked });

export const retryReplySchema = z.object({
	replyId: z.uuid({ error: 'That reply id is not valid.' })
});

/** Regenerate: a new version of a reply, beside it. */
export const regenerateReplySchema = z.object({
	regenerate: z.uuid({ error: 'That reply id is not valid.' })
});

/**
 * The streaming endpoint takes a new message, an edited one, a retry or a regeneration. An edit
 * also has a message id and content, so it is tried before a new message.
 */
export const streamRequestSchema = z.union([
	editMessageSchema,
	sendMessageSchema.extend({ sessionId: chatId.optional(), attachments: attachmentsSchema }),
	retryReplySchema,
	regenerateReplySchema
]);
