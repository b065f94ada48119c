// Sessions: sign-in, refresh-token rotation with GoTrue's three reuse cases, and logout.
import type { Context } from 'hono';
import { z } from 'zod';
import {
	type AuthDeps,
	clientMeta,
	optionalString,
	passwordMatches,
	passwordWeakness,
	readJson,
	requireUser
} from './context.ts';
import { AuthError, OAuthError, badRequest, unprocessable } from './errors.ts';
import * as store from './store.ts';
import { isBanned, userJson } from './users.ts';

type Weakness = ReturnType<typeof passwordWeakness>;

/** GoTrue's AccessTokenResponse for a user and one of their sessions. */
export async function sessionResponse(
	deps: AuthDeps,
	user: store.UserRow,
	session: store.SessionRow,
	refreshToken: string,
	weakPassword?: Weakness
) {
	const { token, expiresAt } = await deps.tokens.sign(
		{
			id: user.id,
			aud: user.aud,
			role: user.role,
			email: user.email ?? '',
			phone: user.phone ?? '',
			app_metadata: user.raw_app_meta_data ?? {},
			user_metadata: user.raw_user_meta_data ?? {},
			is_anonymous: user.is_anonymous
		},
		{
			id: session.id,
			signedInAt: Math.floor(session.created_at.getTime() / 1000),
			aal: session.aal,
			mfa: session.mfa
		}
	);
	return {
		access_token: token,
		token_type: 'bearer',
		expires_in: expiresAt - Math.floor(Date.now() / 1000),
		expires_at: expiresAt,
		refresh_token: refreshToken,
		user: userJson(user),
		...(weakPassword ? { weak_password: weakPassword } : {})
	};
}

/** Opens a new session for a user who just proved who they are. */
export async function signIn(c: Context, deps: AuthDeps, userId: string, weakPassword?: Weakness) {
	return deps.sql.begin(async (tx) => {
		const { session, refreshToken } = await store.createSession(tx, userId, clientMeta(c));
		const user = await store.findUserById(tx, userId);
		if (!user) throw new AuthError(500, 'unexpected_failure', 'Database error granting user');
		return sessionResponse(deps, user, session, refreshToken, weakPassword);
	});
}

const passwordGrant = z.looseObject({ email: optionalString, phone: optionalString, password: optionalString });
const refreshGrant = z.looseObject({ refresh_token: optionalString });

async function grantPassword(c: Context, deps: AuthDeps) {
	const params = await readJson(c, passwordGrant);
	if (params.email && params.phone) {
		throw badRequest('validation_failed', 'Only an email address or phone number should be provided on login.');
	}
	if (params.phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
	if (!params.email) throw badRequest('validation_failed', 'missing email or phone');
	if (!deps.settings.enableEmailSignup) throw unprocessable('email_provider_disabled', 'Email logins are disabled');

	const invalid = badRequest('invalid_credentials', 'Invalid login credentials');
	const user = await store.findUserByEmail(deps.sql, params.email, 'authenticated');
	// The password is checked first, whatever the account: neither a missing account nor a ban
	// may answer faster, or say anything, before the caller has proved the password.
	if (!(await passwordMatches(user, params.password)) || !user) throw invalid;
	if (isBanned(user)) throw badRequest('user_banned', 'User is banned');
	if (!user.email_confirmed_at) throw badRequest('email_not_confirmed', 'Email not confirmed');
	return signIn(c, deps, user.id, passwordWeakness(deps.settings, params.password));
}

async function grantRefreshToken(c: Context, deps: AuthDeps) {
	const { refresh_token: presented } = await readJson(c, refreshGrant);
	if (!presented) throw new OAuthError('invalid_request', 'refresh_token required');
	const { settings } = deps;

	// A reuse outside the window must revoke the family *and* answer with an error, so the
	// transaction commits first and the error is thrown after it.
	let reuseDetected = false;
	const response = await deps.sql.begin(async (tx) => {
		const token = await store.lockRefreshToken(tx, presented);
		if (!token) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
		const user = await store.findUserById(tx, token.user_id);
		if (!user) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
		if (isBanned(user)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned');
		if (!token.session) {
			await store.deleteRefreshToken(tx, token.id);
			throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found');
		}

		let issued: string | undefined;
		if (token.revoked) {
			const active = await store.activeRefreshToken(tx, token.session.id);
			if (active && active.parent === token.token) {
				// The client lost the answer to its last refresh: hand the same child back.
				issued = active.token;
			} else {
				const reuseUntil = token.updated_at.getTime() + settings.refreshTokenReuseInterval * 1000;
				if (Date.now() > reuseUntil) {
					if (settings.enableRefreshTokenRotation) await store.revokeSessionTokens(tx, token.session.id);
					reuseDetected = true;
					return undefined;
				}
			}
		}
		issued ??= await store.rotateRefreshToken(tx, token);
		await store.touchSession(tx, token.session.id, clientMeta(c));
		return sessionResponse(deps, user, token.session, issued);
	});
	if (reuseDetected || !response) {
		throw badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used');
	}
	return response;
}

// The issuers GoTrue names when an ID token's provider is not enabled (token_oidc.go).
const ISSUERS: Record<string, string> = {
	google: 'https://accounts.google.com',
	apple: 'https://appleid.apple.com',
	azure: 'https://login.microsoftonline.com/common/v2.0',
	facebook: 'https://www.facebook.com',
	keycloak: 'keycloak',
	kakao: 'https://kauth.kakao.com'
};

const idTokenBody = z.looseObject({ provider: optionalString, issuer: optionalString });

export async function token(c: Context, deps: AuthDeps) {
	const grantType = c.req.query('grant_type');
	// No external provider is implemented here: an ID token's provider and a wallet sign-in are
	// refused as GoTrue refuses a provider that is not enabled.
	if (grantType === 'id_token') {
		const { provider, issuer } = await readJson(c, idTokenBody);
		const named = issuer || (Object.hasOwn(ISSUERS, provider) ? ISSUERS[provider] : provider);
		throw badRequest('provider_disabled', `Provider (issuer ${JSON.stringify(named)}) is not enabled`);
	}
	if (grantType === 'web3') throw unprocessable('web3_provider_disabled', 'Web3 provider is disabled');
	const grant =
		grantType === 'password' ? grantPassword : grantType === 'refresh_token' ? grantRefreshToken : undefined;
	if (!grant) throw badRequest('invalid_credentials', 'unsupported_grant_type');
	deps.limits.check(c, 'token');
	return c.json(await grant(c, deps));
}

const SCOPES = new Set<store.LogoutScope>(['global', 'local', 'others']);

export async function logout(c: Context, deps: AuthDeps) {
	const requested = c.req.query('scope') ?? '';
	const scope = (requested === '' ? 'global' : requested) as store.LogoutScope;
	if (!SCOPES.has(scope)) throw badRequest('validation_failed', `Unsupported logout scope "${requested}"`);
	const { user, sessionId } = await requireUser(c, deps);
	// A token without a session (an admin-minted one) can only end them all.
	await store.deleteSessions(deps.sql, user.id, sessionId ?? '', sessionId ? scope : 'global');
	return c.body(null, 204);
}
