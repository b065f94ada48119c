import { z } from 'zod';
import { DELETE_CONFIRMATION } from '$lib/chat/limits';

const email = z
	.string()
	.trim()
	.toLowerCase()
	.pipe(z.email({ error: 'Enter a valid email address.' }));
const fitsBcrypt = (value: string) => new TextEncoder().encode(value).length <= 72;

export const credentialsSchema = z.object({
	email,
	// bcrypt ignores bytes past 72, so GoTrue refuses longer passwords; say so before it does.
	password: z
		.string()
		.min(1, { error: 'Enter your password.' })
		.refine(fitsBcrypt, { error: 'Passwords can be at most 72 bytes long.' })
});

export const resetRequestSchema = z.object({ email });

export const changeEmailSchema = z.object({ email });

/** GoTrue's own minimum is six characters (minimum_password_length); it checks again. */
export const newPasswordSchema = z.object({
	password: z
		.string()
		.min(6, { error: 'Choose a password of at least six characters.' })
		.refine(fitsBcrypt, { error: 'Passwords can be at most 72 bytes long.' })
});

export type Credentials = z.infer<typeof credentialsSchema>;

export const changePasswordSchema = z.object({
	current: z.string().min(1, { error: 'Enter your current password.' }),
	password: newPasswordSchema.shape.password
});

/** A guest's new account: the address to sign in with, and their first password. */
export const createAccountSchema = z.object({ email, password: newPasswordSchema.shape.password });

export const deleteAccountSchema = z.object({
	confirm: z.literal(DELETE_CONFIRMATION, { error: `Type ${DELETE_CONFIRMATION} to confirm.` })
});

/** A code from an authenticator app: six digits, spaces allowed between them as apps show them. */
export const totpCodeSchema = z
	.string()
	.transform((value) => value.replace(/\s+/g, ''))
	.pipe(z.string().regex(/^\d{6}$/, { error: 'Type the 6 digits your authenticator app shows.' }));

export const confirmFactorSchema = z.object({
	factorId: z.uuid({ error: 'Start the setup again.' }),
	code: totpCodeSchema
});

export const removeFactorSchema = z.object({
	factorId: z.uuid({ error: 'That sign-in method is not on your account.' })
});

/** A passkey ceremony's two steps, posted by the browser: ask for options, then hand back the credential. */
// The browser's PublicKeyCredential, as its toJSON() gives it; the auth server checks it.
const webAuthnCredential = z.looseObject({ id: z.string().min(1).max(2048), type: z.literal('public-key') });

export const passkeyStepSchema = z.discriminatedUnion('step', [
	z.object({ step: z.literal('options') }),
	z.object({
		step: z.literal('verify'),
		challengeId: z.uuid({ error: 'Start again: that passkey request is not valid.' }),
		credential: webAuthnCredential
	})
]);

/** A security key's steps: the credential goes back with the factor its challenge was for. */
export const securityKeyStepSchema = z.discriminatedUnion('step', [
	z.object({ step: z.literal('options') }),
	z.object({
		step: z.literal('verify'),
		factorId: z.uuid({ error: 'Start again: that security key request is not valid.' }),
		challengeId: z.uuid({ error: 'Start again: that security key request is not valid.' }),
		credential: webAuthnCredential
	})
]);

export const removePasskeySchema = z.object({ passkeyId: z.uuid({ error: 'That passkey is not on your account.' }) });
