// Two-factor sign-in, through GoTrue's factors API on the request's own session: an authenticator
// app (TOTP) set up with a QR code and the secret to type and confirmed with a first code, the
// code that completes a password sign-in, the person's factors (apps and security keys, see
// security-keys.ts), and removing one.
import type { RequestEvent } from '@sveltejs/kit';
import { AppError, fromAuth } from './errors';
import { sessionUser, type SessionUser } from './supabase';

/** An authenticator app (TOTP) or a security key (WebAuthn). */
export type FactorKind = 'app' | 'key';

export interface Factor {
	id: string;
	kind: FactorKind;
	createdAt: string;
}

export interface TotpSetup {
	factorId: string;
	/** The QR code as an image (SVG in a data URL, which an <img> shows and never runs). */
	qrCode: string;
	/** The secret, base32, to type into an app that cannot scan. */
	secret: string;
}

const kindOf = (type: string | undefined): FactorKind | null =>
	type === 'totp' ? 'app' : type === 'webauthn' ? 'key' : null;

/** A user's verified apps and keys, from their factors as GoTrue lists them. */
function verifiedOf(factors: SessionUser['factors']): Factor[] {
	return (factors ?? []).flatMap((factor) => {
		const kind = kindOf(factor.factor_type);
		return factor.status === 'verified' && kind && factor.id
			? [{ id: factor.id, kind, createdAt: factor.created_at ?? '' }]
			: [];
	});
}

/** Whether a user (as GoTrue shows one, factors included) has a verified second factor. */
export const hasVerifiedFactor = (user: SessionUser | null | undefined) =>
	user?.factors?.some((factor) => factor.status === 'verified') ?? false;

/**
 * The verified apps and keys the session cookie names, with no auth request: for the sign-in's
 * second step, whose session was made by the sign-in just before.
 */
export const sessionFactors = (event: RequestEvent): Factor[] => verifiedOf(sessionUser(event)?.factors);

/** The person's verified apps and keys (an auth request: the account page alone asks). */
export async function verifiedFactors(event: RequestEvent): Promise<Factor[]> {
	const { data, error } = await event.locals.auth.mfa.listFactors();
	if (error) throw fromAuth(error);
	return verifiedOf(data.all);
}

/**
 * Starts setting up an authenticator app: a new unverified factor, after dropping any left from a
 * setup that was never confirmed (the server would refuse a second of the same name).
 */
export async function startTotpSetup(event: RequestEvent): Promise<TotpSetup> {
	const auth = event.locals.auth;
	const listed = await auth.mfa.listFactors();
	if (listed.error) throw fromAuth(listed.error);
	const unfinished = listed.data.all.filter((f) => f.factor_type === 'totp' && f.status === 'unverified');
	for (const factor of unfinished) await auth.mfa.unenroll({ factorId: factor.id });
	const { data, error } = await auth.mfa.enroll({
		factorType: 'totp',
		friendlyName: `Authenticator app ${new Date().toISOString().slice(0, 19)}`
	});
	if (error) throw fromAuth(error);
	const svg = data.totp.qr_code.replace(/^data:image\/svg\+xml;utf-8,/, '');
	return { factorId: data.id, qrCode: `data:image/svg+xml,${encodeURIComponent(svg)}`, secret: data.totp.secret };
}

/** A code for one of the person's factors; the session rises to aal2 and its cookies are renewed. */
export async function verifyCode(event: RequestEvent, factorId: string, code: string): Promise<void> {
	const { error } = await event.locals.auth.mfa.challengeAndVerify({ factorId, code });
	if (error) throw fromAuth(error);
}

/** The code that completes a password sign-in, checked against the person's authenticator app. */
export async function completeSignIn(event: RequestEvent, code: string): Promise<void> {
	const factor = sessionFactors(event).find((candidate) => candidate.kind === 'app');
	if (!factor) throw new AppError('auth:factor_gone');
	await verifyCode(event, factor.id, code);
}

/** Removes an app or a key; the session is renewed so its cookies no longer name it. */
export async function removeFactor(event: RequestEvent, factorId: string): Promise<void> {
	const auth = event.locals.auth;
	const { error } = await auth.mfa.unenroll({ factorId });
	if (error) throw fromAuth(error);
	const renewed = await auth.refreshSession();
	if (renewed.error) throw fromAuth(renewed.error);
}
