// Access tokens: signed with the first signing key (ES256/RS256, with its kid), verified against
// every signing key and the legacy HS256 secret, as GoTrue does with GOTRUE_JWT_KEYS.
import { SignJWT, errors as joseErrors, type JWTPayload } from 'jose';
import type { AuthSettings } from '../config.ts';
import { verifyStackJwt, type SigningKey } from '../keys.ts';
import { forbidden } from './errors.ts';

export interface AccessTokenClaims extends JWTPayload {
	sub?: string;
	role?: string;
	session_id?: string;
	email?: string;
	is_anonymous?: boolean;
}

export interface TokenUser {
	id: string;
	aud: string;
	role: string;
	email: string;
	phone: string;
	app_metadata: Record<string, unknown>;
	user_metadata: Record<string, unknown>;
	is_anonymous: boolean;
}

export interface TokenSession {
	id: string;
	/** Unix seconds of the sign-in that opened the session, for the amr claim. */
	signedInAt: number;
	aal: 'aal1' | 'aal2';
	/** Methods kept for the session in auth.mfa_amr_claims: second factors, and a passkey sign-in. */
	mfa: { method: string; timestamp: number }[];
}

export class Tokens {
	private readonly keys: SigningKey[];
	private readonly settings: AuthSettings;

	constructor(keys: SigningKey[], settings: AuthSettings) {
		this.keys = keys;
		this.settings = settings;
	}

	jwks() {
		return { keys: this.keys.map((key) => key.publicJwk) };
	}

	/** Signs GoTrue's access-token claims; returns the token and its exp. */
	async sign(user: TokenUser, session: TokenSession): Promise<{ token: string; expiresAt: number }> {
		const [key] = this.keys;
		const issuedAt = Math.floor(Date.now() / 1000);
		const expiresAt = issuedAt + this.settings.jwtExpiry;
		const token = await new SignJWT({
			iss: this.settings.issuer,
			sub: user.id,
			aud: user.aud,
			exp: expiresAt,
			iat: issuedAt,
			email: user.email,
			phone: user.phone,
			app_metadata: user.app_metadata,
			user_metadata: user.user_metadata,
			role: user.role,
			aal: session.aal,
			// GoTrue keeps each session's methods in auth.mfa_amr_claims; here the sign-in's follows
			// from the user, and only second factors are kept there. Most recent first, as GoTrue sorts.
			amr: [
				...session.mfa,
				// A passkey sign-in names itself in the claims; any other is the password's (or a guest's).
				...(session.mfa.some((claim) => claim.method === 'passkey')
					? []
					: [{ method: user.is_anonymous ? 'anonymous' : 'password', timestamp: session.signedInAt }])
			].sort((a, b) => b.timestamp - a.timestamp),
			session_id: session.id,
			is_anonymous: user.is_anonymous
		})
			.setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
			.sign(key.privateKey);
		return { token, expiresAt };
	}

	/** Verifies a bearer token; any failure is GoTrue's 403 bad_jwt. */
	async verify(token: string): Promise<AccessTokenClaims> {
		try {
			return await verifyStackJwt(token, this.keys, this.settings.jwtSecret);
		} catch (error) {
			throw forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${describe(error)}`);
		}
	}
}

function describe(error: unknown): string {
	if (error instanceof joseErrors.JWTExpired) return 'token has invalid claims: token is expired';
	if (error instanceof joseErrors.JWSSignatureVerificationFailed)
		return 'token signature is invalid: signature is invalid';
	if (error instanceof joseErrors.JWTClaimValidationFailed) return `token has invalid claims: ${error.message}`;
	if (error instanceof joseErrors.JOSEError) return `token is malformed: ${error.message}`;
	return error instanceof Error ? error.message : String(error);
}
