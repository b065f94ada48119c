// Passkeys through GoTrue's passkey API, on the request's own session: adding one to the account,
// signing in with one, listing and removing them. The browser runs the WebAuthn ceremony with the
// options handed to it and posts back the credential; the auth server checks it. The token never
// leaves the server: the browser sees options and a yes or no.
import { isAuthError } from '@supabase/supabase-js';
import type { RequestEvent } from '@sveltejs/kit';
import type { Json } from '$lib/database.types';
import { AppError, fromAuth } from './errors';
import { hasVerifiedFactor } from './second-factor';

export interface PasskeyOptions {
	challengeId: string;
	options: Json;
}

export interface Passkey {
	id: string;
	name: string;
	createdAt: string;
	lastUsedAt: string | null;
}

const passkeyApi = (event: RequestEvent) => event.locals.auth.passkey;

/** auth-js's own WebAuthn errors belong to a browser ceremony; here they mean a credential refused. */
const refused = (error: unknown) =>
	isAuthError(error) ? fromAuth(error) : new AppError('auth:passkey_refused', { cause: error });

export async function registrationOptions(event: RequestEvent): Promise<PasskeyOptions> {
	const { data, error } = await passkeyApi(event).startRegistration();
	if (error) throw fromAuth(error);
	return { challengeId: data.challenge_id, options: data.options as unknown as Json };
}

export async function registerPasskey(event: RequestEvent, challengeId: string, credential: unknown): Promise<void> {
	const { error } = await passkeyApi(event).verifyRegistration({ challengeId, credential: credential as never });
	if (error) throw refused(error);
}

export async function listPasskeys(event: RequestEvent): Promise<Passkey[]> {
	const { data, error } = await passkeyApi(event).list();
	if (error) throw fromAuth(error);
	return data.map((passkey) => ({
		id: passkey.id,
		name: passkey.friendly_name || 'Passkey',
		createdAt: passkey.created_at,
		lastUsedAt: passkey.last_used_at ?? null
	}));
}

export async function removePasskey(event: RequestEvent, passkeyId: string): Promise<void> {
	const { error } = await passkeyApi(event).delete({ passkeyId });
	if (error) throw fromAuth(error);
}

export async function signInOptions(event: RequestEvent): Promise<PasskeyOptions> {
	const { data, error } = await passkeyApi(event).startAuthentication();
	if (error) throw fromAuth(error);
	return { challengeId: data.challenge_id, options: data.options as unknown as Json };
}

/** Signs in with a passkey; whether the person's authenticator app must still give its code. */
export async function signInWithPasskey(
	event: RequestEvent,
	challengeId: string,
	credential: unknown
): Promise<{ secondFactor: boolean }> {
	const { data, error } = await passkeyApi(event).verifyAuthentication({
		challengeId,
		credential: credential as never
	});
	if (error) throw refused(error);
	if (!data.user) throw new AppError('auth:rejected');
	return { secondFactor: hasVerifiedFactor(data.user) };
}
