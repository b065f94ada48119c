// The browser's half of a passkey: asks the app's endpoint for options, lets the browser (and the
// person) make or use a passkey with them, and posts the credential back. Loaded on the first
// click, so the pages that offer it carry none of it until then.

type Answer = { error: string } | { ok: Record<string, unknown> };

// WebAuthn's JSON helpers (Level 3), typed here as the DOM library of this TypeScript has them not yet.
type JsonCredentials = typeof PublicKeyCredential & {
	parseCreationOptionsFromJSON?(options: unknown): PublicKeyCredentialCreationOptions;
	parseRequestOptionsFromJSON?(options: unknown): PublicKeyCredentialRequestOptions;
};

async function post(endpoint: string, body: unknown): Promise<Answer> {
	try {
		const response = await fetch(endpoint, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body)
		});
		const answer = (await response.json().catch(() => null)) as Record<string, unknown> | null;
		if (!response.ok || !answer) {
			const message = (answer?.error as { message?: string } | undefined)?.message;
			return { error: message ?? `The server answered ${response.status}.` };
		}
		return { ok: answer };
	} catch {
		return { error: 'The server cannot be reached right now. Check your connection.' };
	}
}

/** Makes a passkey (`create`) or signs in with one (`get`) through `endpoint`; its last answer, or why not. */
export async function passkeyCeremony(endpoint: string, kind: 'create' | 'get'): Promise<Answer> {
	const credentials = globalThis.PublicKeyCredential as JsonCredentials | undefined;
	if (
		!credentials?.parseCreationOptionsFromJSON ||
		!credentials.parseRequestOptionsFromJSON ||
		!navigator.credentials
	) {
		return { error: 'This browser cannot use passkeys. Use your password instead.' };
	}
	const started = await post(endpoint, { step: 'options' });
	if ('error' in started) return started;
	const { challengeId, options } = started.ok as { challengeId: string; options: unknown };
	let credential: Credential | null;
	try {
		credential =
			kind === 'create'
				? await navigator.credentials.create({ publicKey: credentials.parseCreationOptionsFromJSON(options) })
				: await navigator.credentials.get({ publicKey: credentials.parseRequestOptionsFromJSON(options) });
	} catch (error) {
		const name = error instanceof DOMException ? error.name : '';
		if (name === 'NotAllowedError') return { error: 'No passkey was used: the request was cancelled or timed out.' };
		if (name === 'InvalidStateError') return { error: 'This passkey is on your account already.' };
		return { error: 'The passkey could not be used here.' };
	}
	if (!(credential instanceof PublicKeyCredential)) return { error: 'No passkey was used.' };
	return post(endpoint, { step: 'verify', challengeId, credential: credential.toJSON() });
}
