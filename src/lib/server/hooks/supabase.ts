import type { Handle } from '@sveltejs/kit';
import { verifiedAccess } from '../access-token';
import { resolveUser, signedIn } from '../auth';
import { createRequestClient, createTokenClient } from '../supabase';

export const supabaseHandle: Handle = async ({ event, resolve }) => {
	// An ordinary request, its session's token live and checked, reads and writes through a client
	// that sends that token, with no auth client built. The cookie-backed client (@supabase/ssr),
	// which can refresh, sign in and out and change the account, is built on first use of
	// `locals.auth`, and from then on serves the data too, with whatever session it holds. A request
	// without a session that reads nothing (the sign-in page, a share link) builds neither.
	const access = await verifiedAccess(event);
	let sessionClient: ReturnType<typeof createRequestClient> | undefined;
	let tokenClient: App.Locals['supabase'] | undefined;
	const cookieBacked = () => (sessionClient ??= createRequestClient(event));
	Object.defineProperties(event.locals, {
		supabase: {
			get: () => sessionClient ?? (access ? (tokenClient ??= createTokenClient(access.token)) : cookieBacked()),
			enumerable: true,
			configurable: true
		},
		auth: { get: () => cookieBacked().auth, enumerable: true, configurable: true }
	});
	Object.assign(event.locals, access ? signedIn(access.claims, access.user) : await resolveUser(event));
	return resolve(event);
};
