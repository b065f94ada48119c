import { z } from 'zod';

export const credentialsSchema = z.object({
	email: z
		.string()
		.trim()
		.toLowerCase()
		.pipe(z.email({ error: 'Enter a valid email address.' })),
	// bcrypt ignores bytes past 72, so GoTrue refuses longer passwords; say so before it does.
	password: z
		.string()
		.min(1, { error: 'Enter your password.' })
		.refine((value) => new TextEncoder().encode(value).length <= 72, {
			error: 'Passwords can be at most 72 bytes long.'
		})
});

export type Credentials = z.infer<typeof credentialsSchema>;
