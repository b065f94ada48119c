// Passkeys (GoTrue's /passkeys routes): registering one to a signed-in account, signing in with one
// (discoverable: the authenticator names the account), listing, renaming and removing them, and
// the admin's list and delete. The ceremonies are checked by @simplewebauthn/server, a maintained
// library, against [auth.webauthn]'s relying party. A passkey sign-in is aal1, as in GoTrue: it
// stands for the password, and a second factor's code is still asked.
import { randomUUID } from 'node:crypto';
import {
	generateAuthenticationOptions,
	generateRegistrationOptions,
	verifyAuthenticationResponse,
	verifyRegistrationResponse,
	type AuthenticationResponseJSON,
	type RegistrationResponseJSON
} from '@simplewebauthn/server';
import type { Context } from 'hono';
import { z } from 'zod';
import { loadUser } from './admin.ts';
import { type AuthDeps, clientMeta, readJson, requireUser, UUID_FORMAT } from './context.ts';
import { AuthError, badRequest, forbidden, notFound, unprocessable } from './errors.ts';
import * as mfaStore from './mfa-store.ts';
import { sessionResponse } from './sessions.ts';
import * as store from './store.ts';
import { isBanned } from './users.ts';

const CHALLENGE_SECONDS = 300;
const MAX_PASSKEYS = 10;
const FRIENDLY_NAME_MAX = 120;

interface CredentialRow {
	id: string;
	user_id: string;
	credential_id: Buffer;
	public_key: Buffer;
	sign_count: string;
	transports: string[];
	friendly_name: string;
	created_at: Date;
	last_used_at: Date | null;
}

const verifyBody = z.looseObject({ challenge_id: z.string().nullish(), credential: z.unknown() });
const renameBody = z.looseObject({ friendly_name: z.string().nullish() });

export const uuidBytes = (id: string) => new Uint8Array(Buffer.from(id.replace(/-/g, ''), 'hex'));
export const uuidFromBytes = (bytes: Buffer) => {
	const hex = bytes.toString('hex');
	return hex.length === 32
		? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
		: '';
};

function listItem(row: CredentialRow) {
	return {
		id: row.id,
		...(row.friendly_name ? { friendly_name: row.friendly_name } : {}),
		created_at: row.created_at.toISOString(),
		...(row.last_used_at ? { last_used_at: row.last_used_at.toISOString() } : {})
	};
}

export function createPasskeys(deps: AuthDeps) {
	const { sql, settings } = deps;
	const rp = settings.passkeys;

	function requireEnabled() {
		if (!rp.enabled) throw notFound('passkey_disabled', 'Passkeys are disabled');
	}

	/** GoTrue's rule: someone with a verified second factor manages passkeys from an aal2 session. */
	async function requireManagingUser(c: Context) {
		requireEnabled();
		const signedIn = await requireUser(c, deps);
		const verified = signedIn.user.factors.some((factor) => factor.status === 'verified');
		if (verified && (await mfaStore.sessionAal(sql, signedIn.sessionId)) !== 'aal2') {
			throw forbidden('insufficient_aal', 'AAL2 session is required to manage passkeys when MFA is enabled');
		}
		return signedIn;
	}

	const credentialsOf = (userId: string) =>
		sql<CredentialRow[]>`
			select id, user_id, credential_id, public_key, sign_count, transports, friendly_name, created_at, last_used_at
			from auth.webauthn_credentials where user_id = ${userId} order by created_at`;

	async function saveChallenge(type: 'registration' | 'authentication', userId: string | null, challenge: string) {
		const [row] = await sql<{ id: string; expires_at: Date }[]>`
			insert into auth.webauthn_challenges (id, user_id, challenge_type, session_data, expires_at)
			values (${randomUUID()}, ${userId}, ${type}, ${sql.json({ challenge })},
				now() + make_interval(secs => ${CHALLENGE_SECONDS}))
			returning id, expires_at`;
		return { challenge_id: row.id, expires_at: Math.floor(row.expires_at.getTime() / 1000) };
	}

	/** Spends a challenge, once: a second use finds nothing, as GoTrue's atomic consume. */
	async function consumeChallenge(c: Context, type: 'registration' | 'authentication', userId: string | null) {
		const params = await readJson(c, verifyBody);
		if (!params.challenge_id) throw badRequest('validation_failed', 'challenge_id is required');
		if (params.credential === undefined || params.credential === null) {
			throw badRequest('validation_failed', 'credential is required');
		}
		if (!UUID_FORMAT.test(params.challenge_id))
			throw badRequest('validation_failed', 'challenge_id must be a valid UUID');
		const [row] = await sql<{ challenge: string; expired: boolean }[]>`
			delete from auth.webauthn_challenges
			where id = ${params.challenge_id} and challenge_type = ${type} and user_id is not distinct from ${userId}::uuid
			returning session_data ->> 'challenge' as challenge, expires_at < now() as expired`;
		if (!row) throw badRequest('webauthn_challenge_not_found', 'Challenge not found or already used');
		if (row.expired) throw badRequest('webauthn_challenge_expired', 'Challenge has expired');
		return { challenge: row.challenge, credential: params.credential };
	}

	const invalidResponse = () => badRequest('webauthn_verification_failed', 'Invalid credential response');
	const verificationFailed = () => badRequest('webauthn_verification_failed', 'Credential verification failed');

	async function registrationOptions(c: Context) {
		const { user } = await requireManagingUser(c);
		const existing = await credentialsOf(user.id);
		if (existing.length >= MAX_PASSKEYS) throw unprocessable('too_many_passkeys', 'Maximum number of passkeys reached');
		const name = user.email || user.phone || user.id;
		const options = await generateRegistrationOptions({
			rpName: rp.rpName,
			rpID: rp.rpId,
			userID: uuidBytes(user.id),
			userName: name,
			userDisplayName: typeof user.raw_user_meta_data?.name === 'string' ? user.raw_user_meta_data.name : name,
			attestationType: 'none',
			excludeCredentials: existing.map((row) => ({
				id: row.credential_id.toString('base64url'),
				transports: row.transports as never
			})),
			authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' }
		});
		return c.json({ ...(await saveChallenge('registration', user.id, options.challenge)), options });
	}

	async function registrationVerify(c: Context) {
		const { user } = await requireManagingUser(c);
		const { challenge, credential } = await consumeChallenge(c, 'registration', user.id);
		let verified;
		try {
			verified = await verifyRegistrationResponse({
				response: credential as RegistrationResponseJSON,
				expectedChallenge: challenge,
				expectedOrigin: rp.rpOrigins,
				expectedRPID: rp.rpId,
				requireUserVerification: false
			});
		} catch {
			throw invalidResponse();
		}
		if (!verified.verified) throw verificationFailed();
		const info = verified.registrationInfo;
		const row = await sql.begin(async (tx) => {
			const [{ count }] = await tx<{ count: number }[]>`
				select count(*)::int as count from auth.webauthn_credentials where user_id = ${user.id}`;
			if (count >= MAX_PASSKEYS) throw unprocessable('too_many_passkeys', 'Maximum number of passkeys reached');
			const [created] = await tx<CredentialRow[]>`
				insert into auth.webauthn_credentials (user_id, credential_id, public_key, attestation_type, aaguid,
					sign_count, transports, backup_eligible, backed_up, friendly_name)
				values (${user.id}, ${Buffer.from(info.credential.id, 'base64url')}, ${Buffer.from(info.credential.publicKey)},
					${info.fmt === 'none' ? 'none' : info.fmt}, ${info.aaguid}::uuid, ${info.credential.counter},
					${tx.json(info.credential.transports ?? [])}, ${info.credentialDeviceType === 'multiDevice'},
					${info.credentialBackedUp}, 'Passkey')
				on conflict (credential_id) do nothing
				returning id, user_id, credential_id, public_key, sign_count, transports, friendly_name, created_at, last_used_at`;
			if (!created) throw unprocessable('webauthn_credential_exists', 'This credential is already registered');
			return created;
		});
		return c.json({ id: row.id, friendly_name: row.friendly_name, created_at: row.created_at.toISOString() });
	}

	async function authenticationOptions(c: Context) {
		requireEnabled();
		deps.limits.check(c, 'token');
		// Discoverable: no account named, so nothing here says whether one exists.
		const options = await generateAuthenticationOptions({ rpID: rp.rpId, userVerification: 'preferred' });
		return c.json({ ...(await saveChallenge('authentication', null, options.challenge)), options });
	}

	async function authenticationVerify(c: Context) {
		requireEnabled();
		const { challenge, credential } = await consumeChallenge(c, 'authentication', null);
		const response = credential as AuthenticationResponseJSON;
		if (typeof response?.id !== 'string' || typeof response.response?.userHandle !== 'string') throw invalidResponse();
		const [row] = await sql<CredentialRow[]>`
			select id, user_id, credential_id, public_key, sign_count, transports, friendly_name, created_at, last_used_at
			from auth.webauthn_credentials where credential_id = ${Buffer.from(response.id, 'base64url')}`;
		if (!row) throw verificationFailed();
		if (uuidFromBytes(Buffer.from(response.response.userHandle, 'base64url')) !== row.user_id) {
			throw badRequest('validation_failed', 'Invalid user handle in assertion');
		}
		let verified;
		try {
			verified = await verifyAuthenticationResponse({
				response,
				expectedChallenge: challenge,
				expectedOrigin: rp.rpOrigins,
				expectedRPID: rp.rpId,
				credential: {
					id: row.credential_id.toString('base64url'),
					publicKey: new Uint8Array(row.public_key),
					counter: Number(row.sign_count),
					transports: row.transports as never
				},
				requireUserVerification: false
			});
		} catch {
			throw verificationFailed();
		}
		if (!verified.verified) throw verificationFailed();
		const user = await store.findUserById(sql, row.user_id);
		if (!user) throw verificationFailed();
		if (user.email && !user.email_confirmed_at) throw forbidden('email_not_confirmed', 'Email not confirmed');
		if (isBanned(user)) throw forbidden('user_banned', 'User is banned');
		return c.json(
			await sql.begin(async (tx) => {
				await tx`
					update auth.webauthn_credentials
					set sign_count = ${verified.authenticationInfo.newCounter}, last_used_at = now(), updated_at = now()
					where id = ${row.id}`;
				const { session, refreshToken } = await store.createSession(tx, user.id, clientMeta(c));
				await tx`
					insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
					values (${randomUUID()}, ${session.id}, now(), now(), 'passkey')`;
				const fresh = await store.findUserById(tx, user.id);
				if (!fresh) throw new AuthError(500, 'unexpected_failure', 'Database error granting user');
				const signedInAt = Math.floor(session.created_at.getTime() / 1000);
				return sessionResponse(
					deps,
					fresh,
					{ ...session, mfa: [{ method: 'passkey', timestamp: signedInAt }] },
					refreshToken
				);
			})
		);
	}

	async function list(c: Context) {
		requireEnabled();
		const { user } = await requireUser(c, deps);
		return c.json((await credentialsOf(user.id)).map(listItem));
	}

	async function ownedPasskey(userId: string, passkeyId: string) {
		if (!UUID_FORMAT.test(passkeyId)) throw notFound('validation_failed', 'Passkey not found');
		const [row] = await sql<CredentialRow[]>`
			select id, user_id, credential_id, public_key, sign_count, transports, friendly_name, created_at, last_used_at
			from auth.webauthn_credentials where id = ${passkeyId} and user_id = ${userId}`;
		if (!row) throw notFound('validation_failed', 'Passkey not found');
		return row;
	}

	async function rename(c: Context) {
		const { user } = await requireManagingUser(c);
		const passkey = await ownedPasskey(user.id, c.req.param('passkey_id') ?? '');
		const { friendly_name: name } = await readJson(c, renameBody);
		const trimmed = (name ?? '').trim();
		if (!trimmed) throw badRequest('validation_failed', 'friendly_name is required');
		if (trimmed.length > FRIENDLY_NAME_MAX) {
			throw badRequest('validation_failed', `friendly_name must be ${FRIENDLY_NAME_MAX} characters or less`);
		}
		const [row] = await sql<CredentialRow[]>`
			update auth.webauthn_credentials set friendly_name = ${trimmed}, updated_at = now() where id = ${passkey.id}
			returning id, user_id, credential_id, public_key, sign_count, transports, friendly_name, created_at, last_used_at`;
		return c.json(listItem(row));
	}

	async function remove(c: Context) {
		const { user } = await requireManagingUser(c);
		const passkey = await ownedPasskey(user.id, c.req.param('passkey_id') ?? '');
		await sql`delete from auth.webauthn_credentials where id = ${passkey.id}`;
		return c.body(null, 204);
	}

	async function adminList(c: Context) {
		requireEnabled();
		const user = await loadUser(c, deps);
		return c.json((await credentialsOf(user.id)).map(listItem));
	}

	async function adminDelete(c: Context) {
		requireEnabled();
		const user = await loadUser(c, deps);
		const passkey = await ownedPasskey(user.id, c.req.param('passkey_id') ?? '');
		await sql`delete from auth.webauthn_credentials where id = ${passkey.id}`;
		return c.body(null, 204);
	}

	return {
		registrationOptions,
		registrationVerify,
		authenticationOptions,
		authenticationVerify,
		list,
		rename,
		remove,
		adminList,
		adminDelete
	};
}
