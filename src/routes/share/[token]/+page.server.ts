// A shared chat, for anyone holding its link: no sign-in, and nothing here reads auth cookies.
import { replySegments } from '$lib/chat/tool-calls';
import { renderReply } from '$lib/server/chat/render';
import { getSharedChat } from '$lib/server/chat/shares';
import { loadFailure } from '$lib/server/respond';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	event.setHeaders({ 'x-robots-tag': 'noindex, nofollow', 'cache-control': 'private, no-store' });
	try {
		const chat = await getSharedChat(event.locals.supabase, event.params.token);
		return {
			token: event.params.token,
			title: chat.title,
			createdAt: chat.createdAt,
			messages: chat.messages.map((message, index) => ({
				index,
				role: message.role,
				content: message.role === 'user' ? message.content : '',
				// A reply with its tool calls is drawn in parts, the cards between them.
				...(message.role === 'assistant' && message.tools?.calls.length
					? {
							html: null,
							segments: replySegments(message.content, message.tools.calls).map((segment) => ({
								html: segment.text ? renderReply(segment.text) : '',
								calls: segment.calls
							}))
						}
					: { html: message.role === 'assistant' ? renderReply(message.content) : null, segments: null }),
				thinking: message.role === 'assistant' ? (message.reasoning ?? '') : '',
				thinkingMs: message.reasoning_ms ?? null,
				files: (message.attachments ?? []).map((file) => ({
					id: file.id,
					name: file.name,
					mediaType: file.media_type,
					kind: file.kind,
					sizeBytes: file.size_bytes,
					textCut: false,
					thumbnail: file.thumbnail ?? false
				}))
			}))
		};
	} catch (cause) {
		loadFailure(event, cause);
	}
};
