// Storage for second factors: GoTrue's auth.mfa_factors, auth.mfa_challenges and
// auth.mfa_amr_claims, in its columns and JSON shapes, so the rows survive a move to GoTrue.
// Every function takes the connection first.
import { randomUUID } from 'node:crypto';
import type { Db, SessionRow } from './store.ts';
import { sessionMfa } from './store.ts';

export interface FactorRow {
	id: string;
	user_id: string;
	friendly_name: string | null;
	factor_type: 'totp' | 'webauthn' | 'phone';
	status: 'unverified' | 'verified';
	secret: string | null;
	/** A WebAuthn factor's credential once registered, in go-webauthn's JSON as GoTrue keeps it. */
	web_authn_credential: WebAuthnCredentialJson | null;
}

export interface ChallengeRow {
	id: string;
	factor_id: string;
	created_at: Date;
	verified_at: Date | null;
	ip_address: string;
	/** A WebAuthn challenge's ceremony, in go-webauthn's SessionData JSON. */
	web_authn_session_data: WebAuthnSessionJson | null;
}

/** go-webauthn's Credential, as GoTrue stores it: byte strings in standard base64. */
export interface WebAuthnCredentialJson {
	id: string;
	publicKey: string;
	attestationType: string;
	transport: string[];
	flags: { userPresent: boolean; userVerified: boolean; backupEligible: boolean; backupState: boolean };
	authenticator: { AAGUID: string; signCount: number; cloneWarning: boolean; attachment: string };
}

/** go-webauthn's SessionData: the challenge and who may answer it (ids in base64url). */
export interface WebAuthnSessionJson {
	challenge: string;
	rpId: string;
	user_id: string;
	allowed_credentials: string[] | null;
	expires: string;
	userVerification: string;
}

const FACTOR_COLUMNS = 'id, user_id, friendly_name, factor_type, status, secret, web_authn_credential';
const CHALLENGE_COLUMNS =
	'id, factor_id, created_at, verified_at, host(ip_address) as ip_address, web_authn_session_data';

/** The amr method a factor's proof is named by, as GoTrue's amrMethodForFactorType. */
export const amrMethod = (factorType: FactorRow['factor_type']) =>
	factorType === 'totp' ? 'totp' : `mfa/${factorType}`;

/** An unverified factor lasts this long, as GoTrue's default factor_expiry_duration. */
const UNVERIFIED_FACTOR_SECONDS = 300;

/** The user's factors, after dropping their unverified ones that have expired (as GoTrue does). */
export async function userFactors(db: Db, userId: string): Promise<FactorRow[]> {
	await db`
		delete from auth.mfa_factors
		where user_id = ${userId} and status = 'unverified'
			and created_at < now() - make_interval(secs => ${UNVERIFIED_FACTOR_SECONDS})`;
	return db<FactorRow[]>`
		select ${db.unsafe(FACTOR_COLUMNS)} from auth.mfa_factors where user_id = ${userId} order by created_at`;
}

/** A new, unverified factor: TOTP with its secret, WebAuthn with none until its first challenge is answered. */
export async function createFactor(
	db: Db,
	input: { userId: string; type: 'totp' | 'webauthn'; friendlyName: string; secret: string | null }
): Promise<FactorRow> {
	const [factor] = await db<FactorRow[]>`
		insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
		values (${randomUUID()}, ${input.userId}, ${input.friendlyName}, ${input.type}, 'unverified', now(), now(),
			${input.secret})
		returning ${db.unsafe(FACTOR_COLUMNS)}`;
	return factor;
}

/** A factor of this user's, or undefined: another user's factor is not found, as in GoTrue. */
export async function ownedFactor(db: Db, userId: string, factorId: string): Promise<FactorRow | undefined> {
	const [factor] = await db<FactorRow[]>`
		select ${db.unsafe(FACTOR_COLUMNS)} from auth.mfa_factors where id = ${factorId} and user_id = ${userId}`;
	return factor;
}

export async function createChallenge(
	db: Db,
	factorId: string,
	ip: string,
	webAuthnSession: WebAuthnSessionJson | null = null
): Promise<ChallengeRow> {
	const [challenge] = await db<ChallengeRow[]>`
		with touched as (
			update auth.mfa_factors set last_challenged_at = now(), updated_at = now() where id = ${factorId}
		)
		insert into auth.mfa_challenges (id, factor_id, created_at, ip_address, web_authn_session_data)
		values (${randomUUID()}, ${factorId}, now(), ${ip}::inet, ${webAuthnSession ? db.json(webAuthnSession as never) : null})
		returning ${db.unsafe(CHALLENGE_COLUMNS)}`;
	return challenge;
}

/** Locks the challenge for the rest of the transaction, so it is verified at most once. */
export async function lockChallenge(db: Db, factorId: string, challengeId: string): Promise<ChallengeRow | undefined> {
	const [challenge] = await db<ChallengeRow[]>`
		select ${db.unsafe(CHALLENGE_COLUMNS)} from auth.mfa_challenges
		where id = ${challengeId} and factor_id = ${factorId}
		for update`;
	return challenge;
}

/** Keeps a WebAuthn factor's credential, or its new signature count, as GoTrue's SaveWebAuthnCredential. */
export async function saveWebAuthnCredential(
	db: Db,
	factorId: string,
	credential: WebAuthnCredentialJson,
	aaguid: string | null
): Promise<void> {
	await db`
		update auth.mfa_factors
		set web_authn_credential = ${db.json(credential as never)}, web_authn_aaguid = ${aaguid}::uuid, updated_at = now()
		where id = ${factorId}`;
}

export async function deleteChallenge(db: Db, challengeId: string): Promise<void> {
	await db`delete from auth.mfa_challenges where id = ${challengeId}`;
}

/** The session's aal and second factors, read after they change. */
export async function findSession(db: Db, sessionId: string): Promise<SessionRow | undefined> {
	const [session] = await db<SessionRow[]>`
		select s.id, s.user_id, s.created_at, s.aal, ${sessionMfa(db, 's')} as mfa
		from auth.sessions s where s.id = ${sessionId}`;
	return session;
}

/**
 * A verified code: the challenge is spent, the factor verified, and the session raised to aal2
 * with the factor's method in its amr claims. As in GoTrue, the user's sessions below aal2 end,
 * and their other unverified factors of this type go.
 */
export async function raiseSession(
	db: Db,
	input: { challengeId: string; factor: FactorRow; sessionId: string }
): Promise<void> {
	const { challengeId, factor, sessionId } = input;
	await db`update auth.mfa_challenges set verified_at = now() where id = ${challengeId}`;
	await db`
		update auth.mfa_factors set status = 'verified', updated_at = now()
		where id = ${factor.id} and status = 'unverified'`;
	await db`
		insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
		values (${randomUUID()}, ${sessionId}, now(), now(), ${amrMethod(factor.factor_type)})
		on conflict (session_id, authentication_method) do update set updated_at = now()`;
	await db`
		update auth.sessions set aal = 'aal2', factor_id = ${factor.id}, updated_at = now() where id = ${sessionId}`;
	await db`
		delete from auth.sessions
		where user_id = ${factor.user_id} and id <> ${sessionId} and (aal is null or aal < 'aal2')`;
	await db`
		delete from auth.mfa_factors
		where user_id = ${factor.user_id} and id <> ${factor.id} and status = 'unverified'
			and factor_type = ${factor.factor_type}`;
}

/** Removes a factor; the sessions it raised go back to aal1 and lose its claim, as in GoTrue. */
export async function deleteFactor(db: Db, factor: FactorRow): Promise<void> {
	await db`
		delete from auth.mfa_amr_claims c using auth.sessions s
		where c.session_id = s.id and s.factor_id = ${factor.id} and c.authentication_method = ${amrMethod(factor.factor_type)}`;
	await db`update auth.sessions set aal = 'aal1', factor_id = null, updated_at = now() where factor_id = ${factor.id}`;
	await db`delete from auth.mfa_factors where id = ${factor.id}`;
}

/** The session's aal, for the rules on enrolling and removing factors. */
export async function sessionAal(db: Db, sessionId: string | undefined): Promise<string | null> {
	if (!sessionId) return null;
	const [row] = await db<{ aal: string | null }[]>`select aal from auth.sessions where id = ${sessionId}`;
	return row?.aal ?? null;
}
