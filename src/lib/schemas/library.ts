// The chat library's inputs: rename, search, export options, and the export/import file format.
// The length limits mirror the CHECK constraints in supabase/migrations; change both together.
import { z } from 'zod';
import { MESSAGE_MAX_LENGTH } from '$lib/chat/limits';
import { storableText } from '$lib/chat/text';
import { chatId } from './chat';

export const TITLE_MAX_LENGTH = 120;
export const SEARCH_MAX_LENGTH = 200;
const REPLY_MAX_LENGTH = 100_000;

const storable = z.string().transform(storableText);

export const chatTitle = storable.pipe(
	z
		.string()
		.transform((value) => value.replace(/\s+/g, ' ').trim())
		.pipe(
			z
				.string()
				.min(1, { error: 'Give the chat a title.' })
				.max(TITLE_MAX_LENGTH, { error: `A title can be at most ${TITLE_MAX_LENGTH} characters long.` })
		)
);

export const renameChatSchema = z.object({ id: chatId, title: chatTitle });
export const chatIdSchema = z.object({ id: chatId });

export const searchQuery = storable.pipe(
	z
		.string()
		.trim()
		.max(SEARCH_MAX_LENGTH, { error: `Searches can be at most ${SEARCH_MAX_LENGTH} characters long.` })
);

export const exportFormat = z.enum(['json', 'markdown']).catch('json');

/** Version 1 of Parley's export format; documented in docs/export-format.md. */
export const EXPORT_FORMAT = 'parley.chats';
export const EXPORT_VERSION = 1;
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_CHATS = 1000;
const IMPORT_MAX_MESSAGES = 2000;

const timestamp = z.iso.datetime({ offset: true }).optional();
const optionalText = (max: number) => storable.pipe(z.string().max(max)).nullable().optional();

const exportedMessage = z
	.object({
		role: z.enum(['user', 'assistant']),
		content: storable.pipe(z.string().max(REPLY_MAX_LENGTH)),
		model: optionalText(200),
		created_at: timestamp,
		/** A reply's thinking: exported, and left out on import (an imported reply is its answer). */
		reasoning: optionalText(REPLY_MAX_LENGTH),
		/** A message's files, named: exported without their bytes, so an import cannot bring them back. */
		attachments: z
			.array(
				z.object({
					name: z.string().max(1000),
					media_type: z.string().max(100),
					size_bytes: z.number().int().nonnegative(),
					sha256: z.string().regex(/^[0-9a-f]{64}$/)
				})
			)
			.max(100)
			.optional(),
		/** A reply's tool calls, as its cards showed them: exported, and left out on import. */
		tools: z
			.object({
				calls: z.array(
					z.object({
						tool: z.string(),
						server: z.string(),
						server_label: z.string(),
						status: z.string(),
						arguments: z.string(),
						result: z.string().optional(),
						result_cut: z.boolean().optional(),
						duration_ms: z.number().optional(),
						at: z.number().optional()
					})
				),
				step_limit: z.number().optional(),
				unavailable: z.array(z.string()).optional()
			})
			.optional()
	})
	.refine(
		(message) => message.role !== 'user' || (message.content.trim() && message.content.length <= MESSAGE_MAX_LENGTH),
		{
			error: `A message of yours is empty or longer than ${MESSAGE_MAX_LENGTH.toLocaleString('en')} characters.`
		}
	);

const exportedChat = z.object({
	title: chatTitle,
	created_at: timestamp,
	updated_at: timestamp,
	model: optionalText(200),
	system_prompt: optionalText(4000),
	messages: z.array(exportedMessage).max(IMPORT_MAX_MESSAGES)
});

export const exportFileSchema = z.object({
	format: z.literal(EXPORT_FORMAT, { error: 'This is not a Parley export.' }),
	version: z.literal(EXPORT_VERSION, { error: 'This export is from a version of Parley that cannot be read here.' }),
	exported_at: timestamp,
	chats: z
		.array(exportedChat)
		.min(1, { error: 'This export has no chats.' })
		.max(IMPORT_MAX_CHATS, { error: `Import at most ${IMPORT_MAX_CHATS} chats at a time.` })
});

export type ExportedChat = z.input<typeof exportedChat>;
export type ImportedChat = z.output<typeof exportedChat>;
