// Downloads: one chat (?id=) or all, as JSON (the documented format) or Markdown. GET, because
// it changes nothing; the file streams, so a large account is never built in memory.
import { chatId } from '$lib/schemas/chat';
import { exportFormat } from '$lib/schemas/library';
import { logFailure } from '$lib/server/errors';
import { jsonFailure } from '$lib/server/respond';
import { downloadStream, exportedChats, jsonExport, markdownExport } from '$lib/server/chat/transfer';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const format = exportFormat.parse(event.url.searchParams.get('format') ?? undefined);
	const rawId = event.url.searchParams.get('id');
	const id = rawId === null ? undefined : chatId.safeParse(rawId).data;
	if (rawId !== null && !id) {
		return new Response('That chat does not exist, or it is not yours.', { status: 404 });
	}
	const chats = exportedChats(event.locals.supabase, id);
	const chunks = format === 'json' ? jsonExport(chats) : markdownExport(chats);
	// The first page is read before answering, so a chat that is not there (or a database that
	// is not) gets a proper error status rather than a broken download.
	const head: string[] = [];
	try {
		for (let step = 0; step < 2; step++) {
			const next = await chunks.next();
			if (next.done) break;
			head.push(next.value);
		}
	} catch (cause) {
		return jsonFailure(event, cause);
	}
	async function* all() {
		yield* head;
		yield* chunks;
	}
	const stamp = new Date().toISOString().slice(0, 10);
	const name = `parley-${id ? 'chat' : 'chats'}-${stamp}.${format === 'json' ? 'json' : 'md'}`;
	return new Response(
		downloadStream(all(), (cause) => logFailure(`exporting chats (${format}) mid-stream`, cause)),
		{
			headers: {
				'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/markdown; charset=utf-8',
				'content-disposition': `attachment; filename="${name}"`,
				'cache-control': 'private, no-store'
			}
		}
	);
};
