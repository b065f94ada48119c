// What an authenticator app shows: the 6-digit code of a base32 key (spaces allowed, as pages
// group it) at a moment, 30-second steps, SHA-1, as GoTrue's TOTP factors use.
import * as OTPAuth from 'otpauth';

export const totpCode = (key: string, at = Date.now()) =>
	new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key.replace(/\s+/g, '')) }).generate({ timestamp: at });
