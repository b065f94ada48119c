import { attachOptions } from '$lib/server/attachments/limits';
import { error } from '@sveltejs/kit';
import { chatId, versionSchema } from '$lib/schemas/chat';
import {
	editMessageAction,
	regenerateReplyAction,
	retryReplyAction,
	saveSettingsAction,
	selectVersionAction,
	sendMessageAction,
	shareAction,
	stopReplyAction,
	decideToolAction
} from '$lib/server/chat/actions';
import { withRenderedReplies } from '$lib/server/chat/render';
import { chatForPage } from '$lib/server/chat/page-reads';
import type { ChatWindow } from '$lib/server/chat/sessions';
import { modelPicker } from '$lib/server/chat/turn';
import { serverEnv } from '$lib/server/env';
import { chatToolChoices } from '$lib/server/tools/choices';
import { AppError, describeFailure, errorMessage, failureText } from '$lib/server/errors';
import { loadFailure } from '$lib/server/respond';
import type { Actions, PageServerLoad } from './$types';

function openedDialog(url: URL): 'share' | 'settings' | null {
	return url.searchParams.has('share') ? 'share' : url.searchParams.has('settings') ? 'settings' : null;
}

function parseChatId(value: string): string {
	const parsed = chatId.safeParse(value);
	if (!parsed.success) error(404, errorMessage('not_found:chat'));
	return parsed.data;
}

/** A message id in the query, if it is one. An absent one is not parsed: zod's refusal costs CPU. */
function messageParam(url: URL, name: string): string | undefined {
	const value = url.searchParams.get(name);
	return value === null ? undefined : versionSchema.shape.messageId.safeParse(value).data;
}

/** ?before=<message id> pages back through a long chat; ?at=<message id> opens the page holding it. */
function chatWindow(url: URL): ChatWindow {
	const at = messageParam(url, 'at');
	if (at) return { at };
	const before = messageParam(url, 'before');
	return before ? { before } : {};
}

export const load: PageServerLoad = async (event) => {
	const id = parseChatId(event.params.id);
	const messageId = crypto.randomUUID();
	const opened = openedDialog(event.url);
	// Chat settings lists the tools when the page renders it open: from ?settings, or after a
	// refused save without JavaScript. In the browser, the dialog asks for them itself (./tools).
	const settingsShown =
		opened === 'settings' || (event.request.method === 'POST' && event.url.searchParams.has('/settings'));
	try {
		const [chat, toolChoices] = await Promise.all([
			chatForPage(event, id, chatWindow(event.url)),
			settingsShown
				? chatToolChoices(event.locals.supabase, serverEnv().tools, id, event.request.signal)
				: Promise.resolve(null)
		]);
		return {
			messageId,
			// Edit without JavaScript is a link (?edit=<message id>) that opens the edit form.
			editing: messageParam(event.url, 'edit') ?? null,
			// Without JavaScript, Chat options' Share and Chat settings are links that open these.
			opened,
			toolsOffered: serverEnv().tools.servers.length > 0,
			toolChoices,
			picker: modelPicker(event, chat.model),
			attach: attachOptions(),
			chat: { ...chat, messages: withRenderedReplies(chat.messages) },
			chatError: null
		};
	} catch (cause) {
		// After a failed send (a POST), the page comes back with the typed text in the composer,
		// even when the chat itself cannot be read; a plain visit shows the error page.
		const unavailable = cause instanceof AppError && cause.code === 'unavailable:database';
		if (event.request.method !== 'POST' || !unavailable) loadFailure(event, cause);
		const failure = describeFailure(cause, `reading chat ${id} after a failed send`);
		return {
			messageId,
			editing: null,
			opened: null,
			toolsOffered: false,
			toolChoices: null,
			picker: modelPicker(event),
			attach: attachOptions(),
			chat: { id, title: 'Chat', model: null, systemPrompt: null, messages: [], hasEarlier: false, hasLater: false },
			chatError: failureText(failure)
		};
	}
};

export const actions: Actions = {
	send: (event) => sendMessageAction(event, parseChatId(event.params.id)),
	retry: (event) => retryReplyAction(event),
	regenerate: (event) => regenerateReplyAction(event),
	edit: (event) => editMessageAction(event),
	version: (event) => selectVersionAction(event),
	stop: (event) => stopReplyAction(event, parseChatId(event.params.id)),
	settings: (event) => saveSettingsAction(event, parseChatId(event.params.id)),
	share: (event) => shareAction(event, parseChatId(event.params.id)),
	tool: (event) => decideToolAction(event, parseChatId(event.params.id))
};
