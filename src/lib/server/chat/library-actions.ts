// The chat library's form actions (on /chats, where the chat list's forms post): rename, delete,
// delete all, import and revoking a share. Each works without JavaScript and redirects back.
import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { chatIdSchema, exportFileSchema, IMPORT_MAX_BYTES, renameChatSchema } from '$lib/schemas/library';
import { AppError } from '../errors';
import { safeRedirectPath } from '../redirect';
import { actionFailure, readForm } from '../respond';
import { deleteAllSessions, deleteSession, renameSession } from './library';
import { revokeShare, SHARE_TOKEN } from './shares';
import { importChats } from './transfer';

const firstIssue = (error: { issues: { message: string }[] }, fallback: string) => error.issues[0]?.message ?? fallback;
/** Where the form was: the page it goes back to, on this site only. */
const returnPath = (form: FormData) => safeRedirectPath(String(form.get('redirectTo') ?? ''));

export async function renameAction(event: RequestEvent) {
	const form = await readForm(event);
	const id = String(form.get('id') ?? '');
	const title = String(form.get('title') ?? '');
	const parsed = renameChatSchema.safeParse({ id, title });
	if (!parsed.success)
		return fail(400, { rename: { id, title, error: firstIssue(parsed.error, 'That title cannot be used.') } });
	try {
		await renameSession(event.locals.supabase, parsed.data.id, parsed.data.title);
	} catch (cause) {
		const failure = actionFailure(event, cause, {});
		return fail(failure.status, { rename: { id, title, error: failure.data.error } });
	}
	redirect(303, returnPath(form));
}

export async function deleteAction(event: RequestEvent) {
	const form = await readForm(event);
	const parsed = chatIdSchema.safeParse({ id: form.get('id') });
	if (!parsed.success) return fail(400, { library: { error: 'That chat id is not valid.' } });
	try {
		await deleteSession(event.locals.supabase, parsed.data.id);
	} catch (cause) {
		const failure = actionFailure(event, cause, {});
		return fail(failure.status, { library: { error: failure.data.error } });
	}
	const back = returnPath(form);
	// The deleted chat's own page is gone; go to a new chat instead.
	redirect(303, back.startsWith(`/chat/${parsed.data.id}`) ? '/chat' : back);
}

export async function deleteAllAction(event: RequestEvent) {
	try {
		await deleteAllSessions(event.locals.supabase, event.locals.user!.id);
	} catch (cause) {
		const failure = actionFailure(event, cause, {});
		return fail(failure.status, { library: { error: failure.data.error } });
	}
	redirect(303, '/chat');
}

export async function revokeShareAction(event: RequestEvent) {
	const form = await readForm(event);
	const token = String(form.get('token') ?? '');
	if (!SHARE_TOKEN.test(token)) return fail(400, { library: { error: 'That share link is not valid.' } });
	try {
		await revokeShare(event.locals.supabase, token);
	} catch (cause) {
		const failure = actionFailure(event, cause, {});
		return fail(failure.status, { library: { error: failure.data.error } });
	}
	redirect(303, '/chats');
}

const tooLarge = `Files can be at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB.`;

export async function importAction(event: RequestEvent) {
	// Refused without parsing, when the browser says how large it is. The body is still drained,
	// as a browser whose upload is cut off shows a network error instead of the answer.
	const declared = Number(event.request.headers.get('content-length') ?? 0);
	if (declared > IMPORT_MAX_BYTES + 64 * 1024) {
		const reader = event.request.body?.getReader();
		while (reader && !(await reader.read()).done);
		return fail(413, { import: { error: tooLarge } });
	}
	const form = await readForm(event);
	const file = form.get('file');
	if (!(file instanceof File) || file.size === 0) return fail(400, { import: { error: 'Choose a file to import.' } });
	if (file.size > IMPORT_MAX_BYTES) return fail(413, { import: { error: tooLarge } });

	let json: unknown;
	try {
		json = JSON.parse(await file.text());
	} catch {
		return fail(400, { import: { error: 'That file is not JSON. Import a file exported from Parley.' } });
	}
	const parsed = exportFileSchema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const where = issue?.path.length ? ` (at ${issue.path.join('.')})` : '';
		return fail(400, {
			import: { error: `That file cannot be imported: ${issue?.message ?? 'unknown format'}${where}.` }
		});
	}
	try {
		const ids = await importChats(event.locals.supabase, parsed.data.chats);
		return { import: { count: ids.length, error: null } };
	} catch (cause) {
		if (cause instanceof AppError && cause.code === 'bad_request:import') {
			return fail(400, { import: { error: cause.message } });
		}
		const failure = actionFailure(event, cause, {});
		return fail(failure.status, { import: { error: failure.data.error } });
	}
}
