// A chat page rendered whole runs two loads side by side: the (app) layout's, which lists the chats
// for the sidebar, and the page's, which reads the chat. Each would be a round trip of its own and
// a Worker subrequest, which costs the Worker about 2 ms of CPU (bench:cpu-split). Asked for in the
// same turn of the request, they go out as one (chat_page). A load that runs alone (a client-side
// move to another chat reloads the page's data only) waits one timer tick for a partner that does
// not come, and reads alone, as before.
import type { RequestEvent } from '@sveltejs/kit';
import type { ChatCursor } from '$lib/chat/chat-list';
import { AppError } from '../errors';
import {
	getChatAndList,
	getSessionWithMessages,
	listSessions,
	type ChatPage,
	type ChatWindow,
	type ChatWithMessages
} from './sessions';

interface Ask<T> {
	resolve(value: T): void;
	reject(reason: unknown): void;
}

interface Batch {
	list?: Ask<ChatPage> & { after: ChatCursor | null };
	chat?: Ask<ChatWithMessages> & { id: string; window: ChatWindow };
	timer: ReturnType<typeof setTimeout>;
}

// Keyed by the request's locals, which its loads share (each load has an event of its own).
const batches = new WeakMap<App.Locals, Batch>();

const CHAT_PAGE_ROUTE = '/(app)/chat/[id]';

/** The chat list for the (app) layout; on a chat page, read together with the chat. */
export function listChatsForLayout(
	event: Pick<RequestEvent, 'locals' | 'route'> & { untrack<T>(fn: () => T): T },
	after: ChatCursor | null
): Promise<ChatPage> {
	// Untracked: the layout's data does not depend on the route, and must not be loaded again on
	// every move between pages because of this question.
	if (event.untrack(() => event.route.id) !== CHAT_PAGE_ROUTE) return listSessions(event.locals.supabase, after);
	return new Promise((resolve, reject) => ask(event.locals, (batch) => (batch.list = { after, resolve, reject })));
}

/** A chat page's chat; read together with the chat list when the layout asks for it too. */
export function chatForPage(
	event: Pick<RequestEvent, 'locals'>,
	id: string,
	window: ChatWindow
): Promise<ChatWithMessages> {
	return new Promise((resolve, reject) => ask(event.locals, (batch) => (batch.chat = { id, window, resolve, reject })));
}

function ask(locals: App.Locals, add: (batch: Batch) => void): void {
	let batch = batches.get(locals);
	if (!batch) {
		batch = { timer: setTimeout(() => send(locals), 0) };
		batches.set(locals, batch);
	}
	add(batch);
	if (batch.list && batch.chat) send(locals);
}

function send(locals: App.Locals): void {
	const batch = batches.get(locals);
	if (!batch) return;
	batches.delete(locals);
	clearTimeout(batch.timer);
	const { list, chat } = batch;
	if (list && chat) {
		getChatAndList(locals.supabase, chat.id, chat.window, list.after).then(
			(both) => {
				list.resolve(both.list);
				if (both.chat) chat.resolve(both.chat);
				else chat.reject(new AppError('not_found:chat'));
			},
			(cause) => {
				list.reject(cause);
				chat.reject(cause);
			}
		);
	} else if (list) {
		listSessions(locals.supabase, list.after).then(list.resolve, list.reject);
	} else if (chat) {
		getSessionWithMessages(locals.supabase, chat.id, chat.window).then(chat.resolve, chat.reject);
	}
}
