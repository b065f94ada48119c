// Passkeys belong to their owner on the auth server: another person can neither answer their
// registration challenge, nor rename, remove or list their passkeys. A security key in software
// registers the passkey through the gateway, as the app's server does with a browser's answer.
import { describe, expect, it } from 'vitest';
import { SecurityKey } from '../support/security-key.ts';
import { authFetch, isLocalStack, signedUpUser } from './supabase.ts';

const ORIGIN = 'http://localhost:5173';
const as = (token: string) => ({ authorization: `Bearer ${token}` });

describe.skipIf(!isLocalStack)('passkeys of another person', () => {
	it('cannot be registered, renamed, removed or listed by someone else', async () => {
		const owner = await signedUpUser('passkey-owner');
		const intruder = await signedUpUser('passkey-intruder');
		const ownerToken = owner.session.access_token;
		const intruderToken = intruder.session.access_token;
		const start = () =>
			authFetch('/passkeys/registration/options', { method: 'POST', body: '{}', headers: as(ownerToken) });

		// The owner's challenge, answered by the intruder with their own key, is not theirs to spend.
		const opened = await (await start()).json();
		const stolen = await authFetch('/passkeys/registration/verify', {
			method: 'POST',
			headers: as(intruderToken),
			body: JSON.stringify({
				challenge_id: opened.challenge_id,
				credential: new SecurityKey(ORIGIN).register(opened.options)
			})
		});
		expect(stolen.status).toBe(400);
		expect((await stolen.json()).code).toBe('webauthn_challenge_not_found');

		const key = new SecurityKey(ORIGIN);
		const registered = await authFetch('/passkeys/registration/verify', {
			method: 'POST',
			headers: as(ownerToken),
			body: JSON.stringify({ challenge_id: opened.challenge_id, credential: key.register(opened.options) })
		});
		expect(registered.status).toBe(200);
		const passkey = await registered.json();

		const renamed = await authFetch(`/passkeys/${passkey.id}`, {
			method: 'PATCH',
			headers: as(intruderToken),
			body: JSON.stringify({ friendly_name: 'Mine now' })
		});
		expect(renamed.status).toBe(404);
		const removed = await authFetch(`/passkeys/${passkey.id}`, { method: 'DELETE', headers: as(intruderToken) });
		expect(removed.status).toBe(404);
		expect(await (await authFetch('/passkeys', { headers: as(intruderToken) })).json()).toEqual([]);

		// Nothing changed for the owner.
		const listed = await (await authFetch('/passkeys', { headers: as(ownerToken) })).json();
		expect(listed).toEqual([expect.objectContaining({ id: passkey.id, friendly_name: 'Passkey' })]);
	});
});
