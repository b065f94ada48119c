import { error } from '@sveltejs/kit';
import { listSessions } from '$lib/server/chat/sessions';
import { AppError } from '$lib/server/errors';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, depends }) => {
	depends('app:sessions');
	try {
		return { email: locals.user?.email ?? null, sessions: await listSessions(locals.supabase) };
	} catch (cause) {
		if (cause instanceof AppError) error(cause.status, cause.message);
		throw cause;
	}
};
