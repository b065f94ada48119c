// Export and import in Parley's own format (docs/export-format.md). An export streams page by
// page, so a large account is never held in memory; an import is one call, one transaction.
import { replySegments, type ReplyTools } from '$lib/chat/tool-calls';
import type { ExportedChat, ImportedChat } from '$lib/schemas/library';
import { EXPORT_FORMAT, EXPORT_VERSION } from '$lib/schemas/library';
import { AppError, fromPostgrest } from '../errors';
import type { ChatClient } from './types';

const EXPORT_PAGE_SIZE = 20;
const COLUMNS =
	'id, title, created_at, updated_at, model, system_prompt, chat_messages(id, parent_id, selected_at, role, content, model, created_at, status, reasoning, tools, chat_attachments(name, media_type, size_bytes, sha256, position))';

type Row = {
	id: string;
	title: string;
	created_at: string;
	updated_at: string;
	model: string | null;
	system_prompt: string | null;
	chat_messages: {
		id: string;
		parent_id: string | null;
		selected_at: string;
		role: 'user' | 'assistant';
		content: string;
		model: string | null;
		created_at: string;
		status: string;
		reasoning: string;
		tools: ReplyTools | null;
		chat_attachments: { name: string; media_type: string; size_bytes: number; sha256: string; position: number }[];
	}[];
};

type ExportRow = Row['chat_messages'][number];

// Postgres keeps microseconds, and two choices can fall within one millisecond.
const microseconds = (timestamp: string): number =>
	Date.parse(timestamp) * 1000 + Number((/\.\d{3}(\d{0,3})/.exec(timestamp)?.[1] ?? '').padEnd(3, '0'));

/**
 * The chat's active path, as private.active_path picks it: from the first message down, at each
 * step the version selected last (the later one on a tie). `messages` are in stored order.
 */
export function activePath<T extends Pick<ExportRow, 'id' | 'parent_id' | 'selected_at'>>(messages: T[]): T[] {
	const children = new Map<string | null, T[]>();
	for (const message of messages)
		children.set(message.parent_id, [...(children.get(message.parent_id) ?? []), message]);
	const path: T[] = [];
	for (let parent: string | null = null; ;) {
		const chosen: T | undefined = children
			.get(parent)
			?.reduce((best, next) => (microseconds(next.selected_at) >= microseconds(best.selected_at) ? next : best));
		if (!chosen) return path;
		path.push(chosen);
		parent = chosen.id;
	}
}

/**
 * The chat as it is shown: the active path, not the versions left beside it. Only finished
 * messages are exported; a failed or unfinished reply has nothing to keep.
 */
function exported(row: Row): ExportedChat {
	return {
		title: row.title,
		created_at: row.created_at,
		updated_at: row.updated_at,
		model: row.model,
		system_prompt: row.system_prompt,
		messages: activePath(row.chat_messages)
			.filter((message) => message.status === 'complete')
			.map(({ role, content, model, created_at, reasoning, tools, chat_attachments: files }) => ({
				role,
				content,
				model,
				created_at,
				// A reasoning model's thinking, when there was any.
				...(reasoning ? { reasoning } : {}),
				// A message's files, named: the bytes stay in Storage (see docs/export-format.md).
				...(files.length
					? {
							attachments: files
								.toSorted((a, b) => a.position - b.position)
								.map(({ name, media_type, size_bytes, sha256 }) => ({ name, media_type, size_bytes, sha256 }))
						}
					: {}),
				...(tools?.calls.length || tools?.unavailable?.length || tools?.stepLimit
					? { tools: exportedTools(tools) }
					: {})
			}))
	};
}

/** A reply's tool calls in the export's own words (docs/export-format.md). */
function exportedTools(tools: ReplyTools): NonNullable<ExportedChat['messages'][number]['tools']> {
	return {
		calls: tools.calls.map((call) => ({
			tool: call.tool,
			server: call.server,
			server_label: call.serverLabel,
			status: call.status,
			arguments: call.args,
			...(call.result === undefined ? {} : { result: call.result }),
			...(call.resultCut ? { result_cut: true } : {}),
			...(call.ms === undefined ? {} : { duration_ms: call.ms }),
			...(call.at === undefined ? {} : { at: call.at })
		})),
		...(tools.stepLimit ? { step_limit: tools.stepLimit } : {}),
		...(tools.unavailable?.length ? { unavailable: tools.unavailable } : {})
	};
}

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
const fenced = (text: string, language = '') => {
	const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((run) => run[0].length + 1)));
	return `${fence}${language}\n${text}\n${fence}`;
};

/** A reply's text for the Markdown export, each tool call where the model made it. */
function markdownReply(content: string, tools: ExportedChat['messages'][number]['tools']): string {
	if (!tools?.calls.length) return content;
	return replySegments(
		content,
		tools.calls.map((call, index) => ({
			id: String(index),
			server: call.server,
			serverLabel: call.server_label,
			tool: call.tool,
			args: call.arguments,
			status: call.status as ReplyTools['calls'][number]['status'],
			result: call.result,
			at: call.at
		}))
	)
		.map(({ text, calls }) =>
			[
				text.trim(),
				...calls.map((call) =>
					[
						`**Tool call:** \`${call.tool}\` on ${call.serverLabel} (${call.status})`,
						fenced(call.args, 'json'),
						...(call.result === undefined ? [] : [fenced(call.result)])
					].join('\n\n')
				)
			]
				.filter(Boolean)
				.join('\n\n')
		)
		.filter(Boolean)
		.join('\n\n');
}

/** The chats to export, newest first: one chat, or every chat page by page. */
export async function* exportedChats(client: ChatClient, onlyId?: string): AsyncGenerator<ExportedChat> {
	let after: Row | undefined;
	for (;;) {
		let query = client
			.from('chat_sessions')
			.select(COLUMNS)
			.order('updated_at', { ascending: false })
			.order('id', { ascending: false })
			.order('position', { referencedTable: 'chat_messages' })
			.limit(EXPORT_PAGE_SIZE);
		if (onlyId) query = query.eq('id', onlyId);
		if (after) {
			const at = `"${after.updated_at}"`;
			query = query.or(`updated_at.lt.${at},and(updated_at.eq.${at},id.lt.${after.id})`);
		}
		const { data, error } = await query.overrideTypes<Row[], { merge: false }>();
		if (error) throw fromPostgrest(error);
		if (onlyId && !after && !data.length) throw new AppError('not_found:chat');
		for (const row of data) yield exported(row);
		if (data.length < EXPORT_PAGE_SIZE) return;
		after = data.at(-1);
	}
}

/** The export as JSON text, chunk by chunk. */
export async function* jsonExport(chats: AsyncIterable<ExportedChat>, now = new Date()): AsyncGenerator<string> {
	yield `{"format":"${EXPORT_FORMAT}","version":${EXPORT_VERSION},"exported_at":${JSON.stringify(now.toISOString())},"chats":[`;
	let first = true;
	for await (const chat of chats) {
		yield (first ? '\n' : ',\n') + JSON.stringify(chat);
		first = false;
	}
	yield '\n]}\n';
}

/** The export as Markdown, for reading: one section per chat. */
export async function* markdownExport(chats: AsyncIterable<ExportedChat>, now = new Date()): AsyncGenerator<string> {
	yield `<!-- Exported from Parley on ${now.toISOString()} -->\n`;
	for await (const chat of chats) {
		const lines = [`\n# ${chat.title}\n`, `_Started ${chat.created_at ?? 'unknown'}_\n`];
		if (chat.system_prompt) lines.push(`> **System prompt:** ${chat.system_prompt.replace(/\n/g, '\n> ')}\n`);
		for (const message of chat.messages) {
			const who = message.role === 'user' ? 'You' : `Assistant${message.model ? ` (${message.model})` : ''}`;
			lines.push(`## ${who}\n`, `${markdownReply(message.content, message.tools)}\n`);
			for (const file of message.attachments ?? [])
				lines.push(`- Attached: ${file.name} (${file.media_type}, ${file.size_bytes} bytes)`);
		}
		yield lines.join('\n') + '\n---\n';
	}
}

/** A streamed download; a failure after the first byte ends the stream, and is logged by the caller. */
export function downloadStream(
	chunks: AsyncGenerator<string>,
	onError: (cause: unknown) => void
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	return new ReadableStream({
		async pull(controller) {
			try {
				const step = await chunks.next();
				if (step.done) controller.close();
				else controller.enqueue(encoder.encode(step.value));
			} catch (cause) {
				onError(cause);
				controller.error(cause);
			}
		},
		async cancel() {
			await chunks.return(undefined);
		}
	});
}

/** Creates the chats as new chats of the caller, all or nothing; returns their ids. */
export async function importChats(client: ChatClient, chats: ImportedChat[]): Promise<string[]> {
	const { data, error } = await client.rpc('import_chats', { p_chats: chats });
	if (error) {
		const failure = fromPostgrest(error);
		if (failure.code === 'bad_request:message') throw new AppError('bad_request:import', { cause: failure });
		throw failure;
	}
	return data;
}
