// WebAuthn in the end-to-end tests: Chromium's virtual authenticator (the DevTools protocol's
// WebAuthn domain), and the app opened on localhost, since WebAuthn takes a domain name and
// config.toml names localhost as the relying party.
import type { Page } from '@playwright/test';
import { type ChatApp, test } from './support.ts';

/** This target's app on localhost rather than 127.0.0.1. */
export const localhostOrigin = () => `http://localhost:${new URL(test.info().project.use.baseURL!).port}`;

/**
 * An authenticator that answers at once, as a person who touches it: the device's own, which
 * keeps passkeys, or a USB security key, which keeps none.
 */
export async function virtualAuthenticator(page: Page, kind: 'device' | 'usb key') {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('WebAuthn.enable');
	const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: {
			protocol: 'ctap2',
			transport: kind === 'device' ? 'internal' : 'usb',
			hasResidentKey: kind === 'device',
			hasUserVerification: true,
			isUserVerified: true,
			automaticPresenceSimulation: true
		}
	});
	return {
		/** The credentials it holds, with their relying party and signature count. */
		credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials
	};
}

/** Signs up through the form on the localhost origin, and lands on the chat. */
export async function signUpOnLocalhost(app: ChatApp, page: Page, origin: string) {
	await page.goto(`${origin}/login`);
	await app.ready();
	await app.fillCredentials();
	await page.getByRole('button', { name: 'Sign up' }).click();
	await app.signedIn();
}
