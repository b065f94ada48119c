import type { Handle } from '@sveltejs/kit';
import { resolveUser } from '../auth';
import { createRequestClient } from '../supabase';

export const supabaseHandle: Handle = async ({ event, resolve }) => {
	// Built on first use: a request without a session that reads nothing (the sign-in page, a
	// share link, the reply writer's own route) builds no client at all.
	let client: App.Locals['supabase'] | undefined;
	Object.defineProperty(event.locals, 'supabase', {
		get: () => (client ??= createRequestClient(event)),
		enumerable: true,
		configurable: true
	});
	Object.assign(event.locals, await resolveUser(event));
	return resolve(event);
};
