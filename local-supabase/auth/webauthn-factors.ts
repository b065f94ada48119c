// WebAuthn second factors (GoTrue's factor_type "webauthn"): a security key or a device's own
// authenticator, asked for after the password. A factor's first challenge registers its
// credential; later ones ask the user's keys to sign. The ceremonies are checked by
// @simplewebauthn/server against [auth.webauthn]'s relying party, as GoTrue checks them with
// go-webauthn, and what is kept is go-webauthn's JSON, in GoTrue's columns.
//
// Where this differs from GoTrue on purpose: the answer's type must fit the factor (a registration
// for an unverified one, a signature for a verified one), and a challenge is spent by any answer,
// right or wrong.
import {
	generateAuthenticationOptions,
	generateRegistrationOptions,
	verifyAuthenticationResponse,
	verifyRegistrationResponse,
	type AuthenticationResponseJSON,
	type RegistrationResponseJSON
} from '@simplewebauthn/server';
import type { AuthDeps } from './context.ts';
import { badRequest } from './errors.ts';
import * as mfaStore from './mfa-store.ts';
import type { FactorRow, WebAuthnCredentialJson, WebAuthnSessionJson } from './mfa-store.ts';
import { uuidBytes, uuidFromBytes } from './passkeys.ts';
import type { Db, UserRow } from './store.ts';

export type WebAuthnCeremony = 'create' | 'request';

const std = (base64url: string) => Buffer.from(base64url, 'base64url').toString('base64');
const url = (base64: string) => Buffer.from(base64, 'base64').toString('base64url');

/** The user's registered WebAuthn factors, each with its credential. */
async function registeredFactors(db: Db, userId: string) {
	const factors = await mfaStore.userFactors(db, userId);
	return factors.filter(
		(factor): factor is FactorRow & { web_authn_credential: WebAuthnCredentialJson } =>
			factor.factor_type === 'webauthn' && factor.status === 'verified' && factor.web_authn_credential !== null
	);
}

/** GoTrue's body for a WebAuthn verify, checked as GoTrue checks it. */
export function webAuthnAnswer(body: unknown): { type: WebAuthnCeremony; response: unknown } {
	if (body === null || typeof body !== 'object') throw badRequest('validation_failed', 'WebAuthn config required');
	const { type, credential_response: response } = body as Record<string, unknown>;
	if (type !== 'create' && type !== 'request') {
		throw badRequest('validation_failed', 'WebAuthn type must be create or request');
	}
	if (response === undefined || response === null)
		throw badRequest('validation_failed', 'credential_response required');
	return { type, response };
}

export function createWebAuthnFactors(deps: AuthDeps) {
	const rp = deps.settings.passkeys;

	/** The ceremony a challenge opens, and what its answer is checked against. */
	async function begin(db: Db, user: UserRow, factor: FactorRow, expires: Date) {
		const keys = await registeredFactors(db, user.id);
		const type: WebAuthnCeremony = factor.status === 'verified' ? 'request' : 'create';
		const publicKey =
			type === 'create'
				? await generateRegistrationOptions({
						rpName: rp.rpName,
						rpID: rp.rpId,
						userID: uuidBytes(user.id),
						userName: user.email || user.phone || user.id,
						attestationType: 'none',
						excludeCredentials: keys.map((key) => ({ id: url(key.web_authn_credential.id) })),
						authenticatorSelection: { residentKey: 'discouraged', userVerification: 'preferred' }
					})
				: await generateAuthenticationOptions({
						rpID: rp.rpId,
						allowCredentials: keys.map((key) => ({
							id: url(key.web_authn_credential.id),
							transports: key.web_authn_credential.transport as never
						})),
						userVerification: 'preferred'
					});
		const session: WebAuthnSessionJson = {
			challenge: publicKey.challenge,
			rpId: rp.rpId,
			user_id: Buffer.from(uuidBytes(user.id)).toString('base64url'),
			allowed_credentials: type === 'request' ? keys.map((key) => url(key.web_authn_credential.id)) : null,
			expires: expires.toISOString(),
			userVerification: 'preferred'
		};
		return { session, webauthn: { type, credential_options: { publicKey } } };
	}

	/**
	 * Checks an answer to the factor's challenge, and keeps what it proves: a new factor's
	 * credential, or the signing key's new count. False when the answer does not verify.
	 */
	async function finish(
		db: Db,
		input: { user: UserRow; factor: FactorRow; session: WebAuthnSessionJson; type: WebAuthnCeremony; response: unknown }
	): Promise<boolean> {
		const { user, factor, session, type, response } = input;
		const expected = factor.status === 'verified' ? 'request' : 'create';
		if (type !== expected) {
			throw badRequest('validation_failed', `WebAuthn type must be ${expected} for this factor`);
		}
		const checks = {
			expectedChallenge: session.challenge,
			expectedOrigin: rp.rpOrigins,
			expectedRPID: rp.rpId,
			requireUserVerification: false
		};
		if (type === 'create') {
			const verified = await verifyRegistrationResponse({
				...checks,
				response: response as RegistrationResponseJSON
			}).catch(() => undefined);
			if (!verified?.verified) return false;
			const info = verified.registrationInfo;
			await mfaStore.saveWebAuthnCredential(
				db,
				factor.id,
				{
					id: std(info.credential.id),
					publicKey: Buffer.from(info.credential.publicKey).toString('base64'),
					attestationType: info.fmt,
					transport: info.credential.transports ?? [],
					flags: {
						userPresent: true,
						userVerified: info.userVerified,
						backupEligible: info.credentialDeviceType === 'multiDevice',
						backupState: info.credentialBackedUp
					},
					authenticator: {
						AAGUID: Buffer.from(info.aaguid.replace(/-/g, ''), 'hex').toString('base64'),
						signCount: info.credential.counter,
						cloneWarning: false,
						attachment: ''
					}
				},
				info.aaguid
			);
			return true;
		}
		// As GoTrue's ValidateLogin: any of the user's registered keys may answer.
		const answer = response as AuthenticationResponseJSON;
		if (typeof answer?.id !== 'string' || !session.allowed_credentials?.includes(answer.id)) return false;
		const key = (await registeredFactors(db, user.id)).find((k) => url(k.web_authn_credential.id) === answer.id);
		if (!key) return false;
		const stored = key.web_authn_credential;
		const verified = await verifyAuthenticationResponse({
			...checks,
			response: answer,
			credential: {
				id: answer.id,
				publicKey: new Uint8Array(Buffer.from(stored.publicKey, 'base64')),
				counter: stored.authenticator.signCount,
				transports: stored.transport as never
			}
		}).catch(() => undefined);
		if (!verified?.verified) return false;
		const { newCounter } = verified.authenticationInfo;
		await mfaStore.saveWebAuthnCredential(
			db,
			key.id,
			{ ...stored, authenticator: { ...stored.authenticator, signCount: newCounter } },
			uuidFromBytes(Buffer.from(stored.authenticator.AAGUID, 'base64')) || null
		);
		return true;
	}

	return { begin, finish };
}
