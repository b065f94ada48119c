// Second factors (GoTrue's /factors routes): TOTP enrolment with a QR code, WebAuthn enrolment
// (webauthn-factors.ts), challenges, verifying a code or a key's answer (which raises the session
// to aal2), and removal. Codes are checked by `otpauth` and the QR code drawn by `qrcode`, both
// maintained libraries.
//
// Where this differs from GoTrue on purpose: a code is spent once accepted (GoTrue takes the same
// code again with a new challenge within its window), and a factor takes five wrong codes in five
// minutes, from any address, before it refuses more (GoTrue has only its per-address limit). Both
// are kept in memory.
import type { Context } from 'hono';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { z } from 'zod';
import { type AuthDeps, clientMeta, optionalString, readJson, requireUser, UUID_FORMAT } from './context.ts';
import { AuthError, badRequest, forbidden, notFound, unprocessable } from './errors.ts';
import * as mfaStore from './mfa-store.ts';
import { sessionResponse } from './sessions.ts';
import * as store from './store.ts';
import { createWebAuthnFactors, webAuthnAnswer } from './webauthn-factors.ts';

const PERIOD = 30;
/** Codes one step either side of now are taken, as GoTrue's Skew: 1. */
const WINDOW = 1;
/** How long a challenge can be answered, as GoTrue's challenge_expiry_duration. */
const CHALLENGE_SECONDS = 300;
const MAX_WRONG = 5;
const WRONG_WINDOW_MS = 5 * 60_000;

const enrollBody = z.looseObject({
	factor_type: optionalString,
	friendly_name: optionalString,
	issuer: optionalString,
	phone: optionalString
});
const verifyBody = z.looseObject({
	challenge_id: optionalString,
	code: optionalString,
	webauthn: z.unknown().optional()
});

/** A signed-in user who is not a guest, as GoTrue's requireNotAnonymous. */
async function requireMember(c: Context, deps: AuthDeps) {
	const signedIn = await requireUser(c, deps);
	if (signedIn.user.is_anonymous) {
		throw forbidden('no_authorization', 'Anonymous user not allowed to perform these actions');
	}
	return signedIn;
}

async function requireFactor(c: Context, deps: AuthDeps) {
	const signedIn = await requireMember(c, deps);
	const factorId = c.req.param('factor_id') ?? '';
	if (!UUID_FORMAT.test(factorId)) throw notFound('validation_failed', 'factor_id must be an UUID');
	const factor = await mfaStore.ownedFactor(deps.sql, signedIn.user.id, factorId);
	if (!factor) throw notFound('mfa_factor_not_found', 'Factor not found');
	return { ...signedIn, factor };
}

const totpFor = (secret: string, issuer = '', label = '') =>
	new OTPAuth.TOTP({
		issuer,
		label,
		algorithm: 'SHA1',
		digits: 6,
		period: PERIOD,
		secret: OTPAuth.Secret.fromBase32(secret)
	});

export function createMfa(deps: AuthDeps) {
	const { settings } = deps;
	const webauthn = createWebAuthnFactors(deps);
	// The last time step accepted per factor, and wrong codes per factor (see the top).
	const spent = new Map<string, number>();
	const wrong = new Map<string, number[]>();

	function countWrong(factorId: string, now: number): void {
		const recent = (wrong.get(factorId) ?? []).filter((at) => now - at < WRONG_WINDOW_MS);
		recent.push(now);
		wrong.set(factorId, recent);
		if (wrong.size > 10_000) wrong.clear();
	}
	function assertGuessesLeft(factorId: string, now: number): void {
		const recent = (wrong.get(factorId) ?? []).filter((at) => now - at < WRONG_WINDOW_MS);
		if (recent.length >= MAX_WRONG) {
			throw new AuthError(429, 'over_request_rate_limit', 'Too many wrong codes. Wait a few minutes and try again.');
		}
	}

	async function enroll(c: Context) {
		const { user, sessionId } = await requireMember(c, deps);
		const params = await readJson(c, enrollBody);
		if (params.factor_type === 'totp') {
			if (!settings.mfa.totpEnroll)
				throw unprocessable('mfa_totp_enroll_not_enabled', 'MFA enroll is disabled for TOTP');
		} else if (params.factor_type === 'phone') {
			throw unprocessable('mfa_phone_enroll_not_enabled', 'MFA enroll is disabled for Phone');
		} else if (params.factor_type === 'webauthn') {
			if (!settings.mfa.webauthnEnroll)
				throw unprocessable('mfa_webauthn_enroll_not_enabled', 'MFA enroll is disabled for WebAuthn');
		} else {
			throw badRequest('validation_failed', 'factor_type needs to be totp, phone, or webauthn');
		}
		return deps.sql.begin(async (tx) => {
			const factors = await mfaStore.userFactors(tx, user.id);
			if (factors.some((factor) => (factor.friendly_name ?? '') === params.friendly_name)) {
				throw unprocessable(
					'mfa_factor_name_conflict',
					`A factor with the friendly name ${JSON.stringify(params.friendly_name)} for this user already exists`
				);
			}
			if (factors.length >= settings.mfa.maxEnrolledFactors) {
				throw unprocessable(
					'too_many_enrolled_mfa_factors',
					'Maximum number of verified factors reached, unenroll to continue'
				);
			}
			const verified = factors.some((factor) => factor.status === 'verified');
			if (verified && (await mfaStore.sessionAal(tx, sessionId)) !== 'aal2') {
				throw forbidden('insufficient_aal', 'AAL2 required to enroll a new factor');
			}
			if (params.factor_type === 'webauthn') {
				const factor = await mfaStore.createFactor(tx, {
					userId: user.id,
					type: 'webauthn',
					friendlyName: params.friendly_name,
					secret: null
				});
				return c.json({ id: factor.id, type: 'webauthn', friendly_name: factor.friendly_name ?? '' });
			}
			const issuer = params.issuer || new URL(settings.siteUrl).host;
			const secret = new OTPAuth.Secret({ size: 20 });
			const uri = totpFor(secret.base32, issuer, user.email ?? '').toString();
			const factor = await mfaStore.createFactor(tx, {
				userId: user.id,
				type: 'totp',
				friendlyName: params.friendly_name,
				secret: secret.base32
			});
			return c.json({
				id: factor.id,
				type: 'totp',
				friendly_name: factor.friendly_name ?? '',
				totp: {
					qr_code: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'H' }),
					secret: secret.base32,
					uri
				}
			});
		});
	}

	/** Refuses a factor whose type is switched off for verifying, as GoTrue does. */
	function assertVerifiable(factor: mfaStore.FactorRow) {
		if (factor.factor_type === 'totp') {
			if (!settings.mfa.totpVerify)
				throw unprocessable('mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP');
		} else if (factor.factor_type === 'webauthn') {
			if (!settings.mfa.webauthnVerify)
				throw unprocessable('mfa_webauthn_verify_not_enabled', 'MFA verification is disabled for WebAuthn');
		} else {
			throw badRequest('validation_failed', 'factor_type needs to be totp, phone, or webauthn');
		}
	}

	async function challenge(c: Context) {
		const { factor, user } = await requireFactor(c, deps);
		assertVerifiable(factor);
		const ip = clientMeta(c).ip ?? '127.0.0.1';
		if (factor.factor_type === 'webauthn') {
			const expires = new Date(Date.now() + CHALLENGE_SECONDS * 1000);
			const { session, webauthn: opened } = await webauthn.begin(deps.sql, user, factor, expires);
			const created = await mfaStore.createChallenge(deps.sql, factor.id, ip, session);
			return c.json({
				id: created.id,
				type: factor.factor_type,
				expires_at: Math.floor(created.created_at.getTime() / 1000) + CHALLENGE_SECONDS,
				webauthn: opened
			});
		}
		const created = await mfaStore.createChallenge(deps.sql, factor.id, ip);
		return c.json({
			id: created.id,
			type: factor.factor_type,
			expires_at: Math.floor(created.created_at.getTime() / 1000) + CHALLENGE_SECONDS
		});
	}

	async function verify(c: Context) {
		const { factor, user, sessionId } = await requireFactor(c, deps);
		const params = await readJson(c, verifyBody);
		const isWebAuthn = factor.factor_type === 'webauthn';
		if (params.code === '' && !isWebAuthn) throw badRequest('validation_failed', 'Code needs to be non-empty');
		assertVerifiable(factor);
		const answer = isWebAuthn ? webAuthnAnswer(params.webauthn) : undefined;
		if (!sessionId) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
		if (!UUID_FORMAT.test(params.challenge_id)) {
			throw unprocessable('mfa_factor_not_found', 'MFA factor with the provided challenge ID not found');
		}
		const now = Date.now();
		assertGuessesLeft(factor.id, now);

		let expired = false;
		const response = await deps.sql.begin(async (tx) => {
			const found = await mfaStore.lockChallenge(tx, factor.id, params.challenge_id);
			if (!found) throw unprocessable('mfa_factor_not_found', 'MFA factor with the provided challenge ID not found');
			if (found.verified_at || found.ip_address !== (clientMeta(c).ip ?? '127.0.0.1')) {
				throw unprocessable('mfa_ip_address_mismatch', 'Challenge and verify IP addresses mismatch.');
			}
			if (found.created_at.getTime() + CHALLENGE_SECONDS * 1000 < now) {
				await mfaStore.deleteChallenge(tx, found.id);
				expired = true;
				return undefined;
			}
			if (answer) {
				const session = found.web_authn_session_data;
				const accepted = session !== null && (await webauthn.finish(tx, { user, factor, session, ...answer }));
				if (!accepted) {
					await mfaStore.deleteChallenge(tx, found.id);
					return null;
				}
			} else {
				const delta = totpFor(factor.secret ?? '').validate({ token: params.code, window: WINDOW, timestamp: now });
				const step = delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
				if (step === null || step <= (spent.get(factor.id) ?? -1)) return null;
				spent.set(factor.id, step);
				if (spent.size > 10_000) spent.clear();
			}
			await mfaStore.raiseSession(tx, { challengeId: found.id, factor, sessionId });
			const session = await mfaStore.findSession(tx, sessionId);
			const active = await store.activeRefreshToken(tx, sessionId);
			const fresh = await store.findUserById(tx, user.id);
			if (!session || !active || !fresh)
				throw new AuthError(500, 'unexpected_failure', 'Database error verifying factor');
			const refreshToken = await store.rotateRefreshToken(tx, { ...active, user_id: user.id });
			return sessionResponse(deps, fresh, session, refreshToken);
		});
		if (expired) {
			throw unprocessable(
				'mfa_challenge_expired',
				`MFA challenge ${params.challenge_id} has expired, verify against another challenge or create a new challenge.`
			);
		}
		if (response === null) {
			countWrong(factor.id, now);
			throw unprocessable(
				'mfa_verification_failed',
				isWebAuthn ? 'The WebAuthn response could not be verified' : 'Invalid TOTP code entered'
			);
		}
		return c.json(response);
	}

	async function unenroll(c: Context) {
		const { factor, sessionId } = await requireFactor(c, deps);
		await deps.sql.begin(async (tx) => {
			if (factor.status === 'verified' && (await mfaStore.sessionAal(tx, sessionId)) !== 'aal2') {
				throw unprocessable('insufficient_aal', 'AAL2 required to unenroll verified factor');
			}
			await mfaStore.deleteFactor(tx, factor);
		});
		spent.delete(factor.id);
		wrong.delete(factor.id);
		return c.json({ id: factor.id });
	}

	return { enroll, challenge, verify, unenroll };
}
