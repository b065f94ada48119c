// The chat form actions, which are the whole chat loop when JavaScript is off: store, wait for
// the full reply, store it, then redirect (post/redirect/get) to show both.
import { error as httpError, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import {
	chatSettingsSchema,
	editMessageSchema,
	retryReplySchema,
	sendMessageSchema,
	shareSchema,
	toolDecisionSchema,
	versionSchema
} from '$lib/schemas/chat';
import type { UploadedAttachment } from '$lib/chat/attachments';
import { attachmentLimits, maxUploadBodyBytes } from '../attachments/limits';
import { attachmentRows, discardUploads, storeAttachments } from '../attachments/prepare';
import { AppError } from '../errors';
import { actionFailure, readForm } from '../respond';
import {
	editMessage,
	postMessage,
	regenerateReply,
	restartReply,
	saveChatSettings,
	decideToolCall,
	selectVersion,
	stopReply,
	type PostedMessage
} from './messages';
import { followReply } from './follow';
import { createShare } from './shares';
import { followFromWriter, replyEnded, startReply, stopWriting } from './reply-writer';
import { checkImages, checkModel, historyBudget } from './turn';

function firstIssue(error: { issues: { message: string }[] }): string {
	return error.issues[0]?.message ?? 'That message cannot be sent.';
}

/** The files a form carries; a file field left empty sends one nameless, empty file. */
const formFiles = (form: FormData): File[] =>
	form.getAll('files').filter((value): value is File => typeof value !== 'string' && value.name !== '');

/**
 * Posts a message to `sessionId`, or to a new chat when it is absent. Files come with it in the
 * same form post: each is read, checked and stored before the message, and a refusal keeps the
 * typed text (the browser keeps the chosen files only until the page changes, so the message
 * names which file, and why).
 */
export async function sendMessageAction(event: RequestEvent, sessionId?: string) {
	const limits = attachmentLimits();
	const length = Number(event.request.headers.get('content-length') ?? 0);
	// Refused unread: a body this large is not parsed even for its text, which the browser's Back keeps.
	if (length > maxUploadBodyBytes(limits)) {
		const tooLarge = new AppError('too_large:file', { message: 'These files are too large to send together.' });
		return actionFailure(event, tooLarge, { content: '' });
	}
	const form = await readForm(event);
	const content = String(form.get('content') ?? '');
	const parsed = sendMessageSchema.safeParse({
		messageId: form.get('messageId'),
		content,
		model: form.get('model') ?? undefined,
		parentId: form.get('parentId')
	});
	// The typed text goes back into the composer, so nothing the person wrote is lost.
	if (!parsed.success) return fail(400, { content, error: firstIssue(parsed.error) });

	let target: string;
	const client = event.locals.supabase;
	const userId = event.locals.user?.id ?? '';
	let uploads: UploadedAttachment[] = [];
	let stored = false;
	try {
		checkModel(event, parsed.data.model);
		const files = formFiles(form);
		if (files.length) {
			uploads = await storeAttachments(client, userId, files, limits, (kinds) =>
				checkImages(event, parsed.data.model, kinds)
			);
		}
		const posted = await postMessage(client, {
			...parsed.data,
			sessionId,
			budget: historyBudget(event),
			attachments: attachmentRows(userId, uploads)
		});
		stored = true;
		target = posted.sessionId;
		// A resubmitted form finds its message and files stored already (its first submit writes
		// the reply): this submit's copies of the files go.
		if (!posted.isNew) await discardUploads(client, userId, uploads);
		await writeTurn(event, posted);
	} catch (cause) {
		// A message that was not stored keeps none of its files.
		if (!stored) await discardUploads(client, userId, uploads);
		if (cause instanceof AppError && cause.code === 'not_found:chat') httpError(404, cause.message);
		return actionFailure(event, cause, { content });
	}
	redirect(303, `/chat/${target}`);
}

/**
 * A form action that names one reply or message (Retry, Regenerate, a version, Stop): the id is
 * checked, the action runs and names the chat, and the redirect shows it. A refusal comes back
 * where the composer shows errors, with nothing typed to keep.
 */
async function oneIdAction(
	event: RequestEvent,
	field: 'replyId' | 'messageId',
	act: (id: string) => Promise<string>,
	showingIt = false
) {
	const form = await readForm(event);
	const schema = field === 'replyId' ? retryReplySchema.shape.replyId : versionSchema.shape.messageId;
	const parsed = schema.safeParse(form.get(field));
	if (!parsed.success) return fail(400, { content: '', error: firstIssue(parsed.error) });
	let target: string;
	try {
		target = await act(parsed.data);
	} catch (cause) {
		return actionFailure(event, cause, { content: '' });
	}
	// The page that holds the message: in a long chat it may be an earlier one.
	redirect(303, showingIt ? `/chat/${target}?at=${parsed.data}#message-${parsed.data}` : `/chat/${target}`);
}

/** Retry without JavaScript: the failed reply is written again in its place. */
export const retryReplyAction = (event: RequestEvent) =>
	oneIdAction(event, 'replyId', async (replyId) => {
		const reopened = await restartReply(event.locals.supabase, replyId, historyBudget(event));
		await writeTurn(event, { ...reopened, replyId, isNew: true });
		return reopened.sessionId;
	});

/**
 * Writes the reply of a new turn to the end before the redirect shows it. A turn another request
 * is writing already (isNew false) is shown as it goes, by the page refreshing itself.
 */
async function writeTurn(event: RequestEvent, turn: PostedMessage): Promise<void> {
	if (turn.isNew) await replyEnded((await startReply(event, turn)).events);
}

/** Save and send without JavaScript: the edited text becomes a new version with its own reply. */
export async function editMessageAction(event: RequestEvent) {
	const form = await readForm(event);
	const sourceId = String(form.get('sourceId') ?? '');
	const content = String(form.get('content') ?? '');
	const parsed = editMessageSchema.safeParse({ messageId: form.get('messageId'), sourceId, content });
	// The edit comes back open with the text as typed, so nothing is lost.
	if (!parsed.success) return fail(400, { edit: { sourceId, content, error: firstIssue(parsed.error) } });
	let target: string;
	try {
		const edited = await editMessage(event.locals.supabase, { ...parsed.data, budget: historyBudget(event) });
		target = edited.sessionId;
		await writeTurn(event, edited);
	} catch (cause) {
		const failure = actionFailure(event, cause, {});
		return fail(failure.status, { edit: { sourceId, content, error: failure.data.error } });
	}
	redirect(303, `/chat/${target}`);
}

/** Regenerate without JavaScript: a new version of the reply, written before the page is shown. */
export const regenerateReplyAction = (event: RequestEvent) =>
	oneIdAction(event, 'replyId', async (replyId) => {
		const regenerated = await regenerateReply(event.locals.supabase, replyId, historyBudget(event));
		await writeTurn(event, regenerated);
		return regenerated.sessionId;
	});

/**
 * Previous version and Next version: the chosen version is shown from now on, in every tab, and
 * the page that follows holds it (in a short chat, the newest page, as ever).
 */
export const selectVersionAction = (event: RequestEvent) =>
	oneIdAction(event, 'messageId', (messageId) => selectVersion(event.locals.supabase, messageId), true);

/** Stop without JavaScript: the writer keeps what it wrote, and the chat shows it stopped. */
export const stopReplyAction = (event: RequestEvent, sessionId: string) =>
	oneIdAction(event, 'replyId', async (replyId) => {
		await stopReply(event.locals.supabase, replyId);
		await stopWriting(event, replyId);
		return sessionId;
	});

/**
 * The person's answer to a tool call their reply waits on. Without JavaScript the answer waits, as
 * a send does, until the reply ends or asks again, then shows the chat.
 */
export async function decideToolAction(event: RequestEvent, sessionId: string) {
	const form = await readForm(event);
	const parsed = toolDecisionSchema.safeParse(Object.fromEntries(form));
	if (!parsed.success) return fail(400, { error: firstIssue(parsed.error) });
	const { replyId, callId, decision } = parsed.data;
	// With JavaScript the page follows the reply itself; the answer is all this request does.
	const enhanced = event.request.headers.get('x-sveltekit-action') === 'true';
	try {
		const taken = await decideToolCall(event.locals.supabase, replyId, callId, decision);
		if (!taken) return fail(409, { error: 'This tool call is no longer waiting for an answer.' });
		if (enhanced) return { decided: decision };
		const { events } = await followReply(event.locals.supabase, replyId, () => followFromWriter(event, replyId));
		await replyEnded(events, callId);
	} catch (cause) {
		const failure = actionFailure(event, cause, {});
		return fail(failure.status, { error: failure.data.error });
	}
	redirect(303, `/chat/${sessionId}`);
}

const texts = (form: FormData, name: string) =>
	form.getAll(name).filter((value): value is string => typeof value === 'string');

/** Saves the chat's own system prompt and its tool switches, then shows the chat again. */
export async function saveSettingsAction(event: RequestEvent, sessionId: string) {
	const form = await readForm(event);
	const systemPrompt = String(form.get('systemPrompt') ?? '');
	// The form lists the tools only when it could read them; without them, the switches stay.
	const toolsShown = form.get('tools') === 'listed';
	const toolsOn = texts(form, 'tool');
	const parsed = chatSettingsSchema.safeParse({
		systemPrompt,
		toolsOff: toolsShown ? { listed: texts(form, 'listed'), on: toolsOn, kept: texts(form, 'kept') } : undefined
	});
	// Refused, the dialog comes back as it was sent: the prompt, and each switch where it was left.
	const refused = (error: string) => ({ settings: { systemPrompt, ...(toolsShown ? { toolsOn } : {}), error } });
	if (!parsed.success) return fail(400, refused(firstIssue(parsed.error)));
	try {
		await saveChatSettings(event.locals.supabase, sessionId, parsed.data);
	} catch (cause) {
		if (cause instanceof AppError && cause.code === 'not_found:chat') httpError(404, cause.message);
		const failure = actionFailure(event, cause, {});
		return fail(failure.status, refused(failure.data.error));
	}
	redirect(303, `/chat/${sessionId}`);
}

/** Shares the chat as it is now; the page shows the link to copy. */
export async function shareAction(event: RequestEvent, sessionId: string) {
	const form = await readForm(event);
	const parsed = shareSchema.safeParse({ withThinking: form.get('withThinking'), withTools: form.get('withTools') });
	if (!parsed.success) return fail(400, { share: { url: null, error: firstIssue(parsed.error) } });
	try {
		const token = await createShare(event.locals.supabase, sessionId, parsed.data);
		return { share: { url: new URL(`/share/${token}`, event.url).href, error: null } };
	} catch (cause) {
		if (cause instanceof AppError && cause.code === 'not_found:chat') httpError(404, cause.message);
		const failure = actionFailure(event, cause, {});
		return fail(failure.status, { share: { url: null, error: failure.data.error } });
	}
}
