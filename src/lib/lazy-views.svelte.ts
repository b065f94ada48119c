// Views that most page views never show, each loaded only by a page that shows one (or is about
// to: a file chosen in the composer, Edit, Rename or Delete clicked), which keeps them out of the
// chat page's first JavaScript. The server loads them for every page it renders that shows one, so
// a page shows them without JavaScript and hydrates as drawn.
import type { Component } from 'svelte';
import type { AttachmentInfo } from './chat/attachments';
import type { EditDraft, MessageActions } from './chat/message-actions';
import type { ReplyTools } from './chat/tool-calls';

const importers = {
	files: () => import('$lib/components/MessageFiles.svelte'),
	edit: () => import('$lib/components/MessageEdit.svelte'),
	chatRow: () => import('$lib/components/chat-row-views'),
	tools: () => import('$lib/components/ToolReply.svelte')
};

export const lazyViews = $state<{
	files?: Component<{ files: AttachmentInfo[] }>;
	edit?: Component<{ messageId: string; draft: EditDraft; actions: MessageActions; below: string | null }>;
	chatRow?: typeof import('$lib/components/chat-row-views');
	tools?: typeof import('$lib/components/ToolReply.svelte').default;
}>({});

/** Loads a view once; a page that needs it before it renders awaits this in its load. */
export async function loadView(name: keyof typeof importers): Promise<void> {
	const module = await importers[name]();
	lazyViews[name] ??= ('default' in module ? module.default : module) as never;
}

/** Whether any of these replies has tool calls, whose view must then be loaded before they show. */
export const showsTools = (messages: { tools?: ReplyTools | null }[]) => messages.some((message) => message.tools);

/** Whether any of these messages has files, whose view must then be loaded before they show. */
export const showsFiles = (messages: { attachments?: AttachmentInfo[] }[]) =>
	messages.some((message) => message.attachments?.length);
