import type { Handle } from '@sveltejs/kit';
import { resolveUser } from '../auth';
import { createRequestClient } from '../supabase';

export const supabaseHandle: Handle = async ({ event, resolve }) => {
	event.locals.supabase = createRequestClient(event);
	Object.assign(event.locals, await resolveUser(event));
	return resolve(event);
};
