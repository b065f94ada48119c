// The browser's half of a WebAuthn ceremony, for a passkey or a security key: asks the app's
// endpoint for options, lets the browser (and the person) make or use a credential with them, and
// posts it back with what the options came with. Loaded on the first click, so the pages that
// offer it carry none of it until then.

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

/**
 * Makes a credential (`create`) or uses one (`get`) through `endpoint`; its last answer, or why
 * not, in words about the `noun` ("passkey", "security key"). `unsupported` is what a browser
 * without WebAuthn's JSON helpers is told to do instead.
 */
export async function webAuthnCeremony(
	endpoint: string,
	kind: 'create' | 'get',
	noun: string,
	unsupported: string
): Promise<Answer> {
	const credentials = globalThis.PublicKeyCredential as JsonCredentials | undefined;
	if (
		!credentials?.parseCreationOptionsFromJSON ||
		!credentials.parseRequestOptionsFromJSON ||
		!navigator.credentials
	) {
		return { error: unsupported };
	}
	const started = await post(endpoint, { step: 'options' });
	if ('error' in started) return started;
	// What came with the options (the challenge's id, a factor's) goes back with the credential.
	const { options, ...ceremony } = started.ok as { options: unknown };
	let credential: Credential | null;
	try {
		credential =
			kind === 'create'
				? await navigator.credentials.create({ publicKey: credentials.parseCreationOptionsFromJSON(options) })
				: await navigator.credentials.get({ publicKey: credentials.parseRequestOptionsFromJSON(options) });
	} catch (error) {
		const name = error instanceof DOMException ? error.name : '';
		if (name === 'NotAllowedError') return { error: `No ${noun} was used: the request was cancelled or timed out.` };
		if (name === 'InvalidStateError') return { error: `This ${noun} is on your account already.` };
		return { error: `The ${noun} could not be used here.` };
	}
	if (!(credential instanceof PublicKeyCredential)) return { error: `No ${noun} was used.` };
	return post(endpoint, { step: 'verify', ...ceremony, credential: credential.toJSON() });
}
