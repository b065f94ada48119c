// Two-factor sign-in with an authenticator app (TOTP), through GoTrue's factors API on the
// request's own session: setting one up (a QR code and the secret to type), confirming it with a
// first code, the code that completes a password sign-in, and removing one.
import type { RequestEvent } from '@sveltejs/kit';
import { AppError, fromAuth } from './errors';

export interface Factor {
	id: string;
	createdAt: string;
}

export interface TotpSetup {
	factorId: string;
	/** The QR code as an image (SVG in a data URL, which an <img> shows and never runs). */
	qrCode: string;
	/** The secret, base32, to type into an app that cannot scan. */
	secret: string;
}

const client = (event: RequestEvent) => event.locals.supabase;

/** Whether a user (as GoTrue shows one, factors included) has a verified second factor. */
export const hasVerifiedFactor = (user: { factors?: { status?: string }[] | null } | null | undefined) =>
	user?.factors?.some((factor) => factor.status === 'verified') ?? false;

/** The person's verified authenticator apps (an auth request: the account page alone asks). */
export async function verifiedFactors(event: RequestEvent): Promise<Factor[]> {
	const { data, error } = await client(event).auth.mfa.listFactors();
	if (error) throw fromAuth(error);
	return data.totp.map((factor) => ({ id: factor.id, createdAt: factor.created_at }));
}

/**
 * Starts setting up an authenticator app: a new unverified factor, after dropping any left from a
 * setup that was never confirmed (the server would refuse a second of the same name).
 */
export async function startTotpSetup(event: RequestEvent): Promise<TotpSetup> {
	const auth = client(event).auth;
	const listed = await auth.mfa.listFactors();
	if (listed.error) throw fromAuth(listed.error);
	for (const factor of listed.data.all.filter((candidate) => candidate.status === 'unverified'))
		await auth.mfa.unenroll({ factorId: factor.id });
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
	const { error } = await client(event).auth.mfa.challengeAndVerify({ factorId, code });
	if (error) throw fromAuth(error);
}

/** The code that completes a password sign-in, checked against the person's authenticator app. */
export async function completeSignIn(event: RequestEvent, code: string): Promise<void> {
	const [factor] = await verifiedFactors(event);
	if (!factor) throw new AppError('auth:factor_gone');
	await verifyCode(event, factor.id, code);
}

/** Removes an authenticator app; the session is renewed so its cookies no longer name it. */
export async function removeFactor(event: RequestEvent, factorId: string): Promise<void> {
	const auth = client(event).auth;
	const { error } = await auth.mfa.unenroll({ factorId });
	if (error) throw fromAuth(error);
	const renewed = await auth.refreshSession();
	if (renewed.error) throw fromAuth(renewed.error);
}
