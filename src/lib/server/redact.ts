// Secrets must never reach a log line, even inside a provider's or a library's error message.
const PATTERNS: [RegExp, string][] = [
	// JWTs: access tokens and legacy API keys (three base64url parts).
	[/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[redacted jwt]'],
	// Supabase's opaque secret keys, and provider keys such as OpenAI's and Anthropic's.
	[/\bsb_secret_[\w-]+/g, '[redacted key]'],
	[/\bsk-[\w-]{8,}/g, '[redacted key]'],
	// A value named as a token, key or password: JSON, query strings, form bodies, headers.
	[
		/((?:bearer|refresh_token|access_token|api[_-]?key|apikey|password|authorization)["']?\s*[=:]?\s*["']?(?:bearer\s+)?)[^\s"'&,;}]+/gi,
		'$1[redacted]'
	],
	// A bare GoTrue refresh token: 12 characters of lowercase base32 that mix letters and digits.
	[/\b(?=[a-z2-7]*[2-7])(?=[a-z2-7]*[a-z])[a-z2-7]{12}\b/g, '[redacted token]'],
	// Any other long random-looking run (48+ url-safe characters with letters and digits).
	[/\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{48,}\b/g, '[redacted]']
];

export function redact(text: string): string {
	return PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
