// Security keys as a second factor, through GoTrue's WebAuthn factors on the request's own
// session: adding one from the account page, and the key's touch that completes a sign-in. The
// browser runs the ceremony with the options handed to it (webauthn-ceremony.ts) and posts back
// the credential; the auth server checks it. The token never leaves the server.
import type { RequestEvent } from '@sveltejs/kit';
import type { Json } from '$lib/database.types';
import { AppError, fromAuth } from './errors';
import { sessionFactors } from './second-factor';

export interface KeyCeremony {
	factorId: string;
	challengeId: string;
	/** publicKey options in WebAuthn's JSON, for PublicKeyCredential.parse…OptionsFromJSON. */
	options: Json;
}

const mfa = (event: RequestEvent) => event.locals.auth.mfa;

/** The relying party: this site. GoTrue checks against its own [auth.webauthn] settings. */
const relyingParty = (event: RequestEvent) => ({ rpId: event.url.hostname, rpOrigins: [event.url.origin] });

/** auth-js hands the options back with their bytes as ArrayBuffers; the browser wants base64url. */
function asJson(value: unknown): Json {
	if (value instanceof ArrayBuffer) return Buffer.from(value).toString('base64url');
	if (ArrayBuffer.isView(value))
		return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64url');
	if (Array.isArray(value)) return value.map(asJson);
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).flatMap(([key, entry]) => (entry === undefined ? [] : [[key, asJson(entry)]]))
		);
	}
	return value as Json;
}

async function openChallenge(event: RequestEvent, factorId: string): Promise<KeyCeremony> {
	const { data, error } = await mfa(event).challenge({ factorId, webauthn: relyingParty(event) });
	if (error) throw fromAuth(error);
	if (data.type !== 'webauthn') throw new AppError('auth:factor_gone');
	return { factorId, challengeId: data.id, options: asJson(data.webauthn.credential_options.publicKey) };
}

/** A key's answer, checked by the auth server; the session rises to aal2 and its cookies are renewed. */
async function answer(
	event: RequestEvent,
	input: { factorId: string; challengeId: string; credential: unknown },
	type: 'create' | 'request'
): Promise<void> {
	const json = input.credential;
	const { error } = await mfa(event).verify({
		factorId: input.factorId,
		challengeId: input.challengeId,
		// auth-js serializes a browser credential through its toJSON(); this one arrived as that JSON.
		webauthn: { type, ...relyingParty(event), credential_response: { toJSON: () => json } as never }
	});
	if (!error) return;
	if (error.code === 'mfa_verification_failed' || error.code === 'mfa_challenge_expired') {
		throw new AppError('auth:key_refused', { cause: error });
	}
	throw fromAuth(error);
}

/** Starts adding a key: a new factor and its first challenge, after dropping a key never finished. */
export async function startAddingKey(event: RequestEvent): Promise<KeyCeremony> {
	const listed = await mfa(event).listFactors();
	if (listed.error) throw fromAuth(listed.error);
	const unfinished = listed.data.all.filter((f) => f.factor_type === 'webauthn' && f.status === 'unverified');
	for (const factor of unfinished) await mfa(event).unenroll({ factorId: factor.id });
	const { data, error } = await mfa(event).enroll({
		factorType: 'webauthn',
		friendlyName: `Security key ${new Date().toISOString().slice(0, 19)}`
	});
	if (error) throw fromAuth(error);
	return openChallenge(event, data.id);
}

export const finishAddingKey = (
	event: RequestEvent,
	input: { factorId: string; challengeId: string; credential: unknown }
) => answer(event, input, 'create');

/** Asks for a touch of any of the person's keys (a challenge lets each of them answer). */
export async function startKeySignIn(event: RequestEvent): Promise<KeyCeremony> {
	const key = sessionFactors(event).find((factor) => factor.kind === 'key');
	if (!key) throw new AppError('auth:factor_gone');
	return openChallenge(event, key.id);
}

export const finishKeySignIn = (
	event: RequestEvent,
	input: { factorId: string; challengeId: string; credential: unknown }
) => answer(event, input, 'request');
