// The auth server: GoTrue's HTTP API at its own root, as the gateway mounts it under /auth/v1.
import { Hono, type Context } from 'hono';
import * as account from './account.ts';
import * as admin from './admin.ts';
import type { AuthDeps } from './context.ts';
import { requireUser } from './context.ts';
import { errorResponse, notFound, unprocessable } from './errors.ts';
import { type LimitedRoute, RateLimits } from './rate-limits.ts';
import * as links from './email-links.ts';
import { createMfa } from './mfa.ts';
import { createPasskeys } from './passkeys.ts';
import * as sessions from './sessions.ts';
import { WrongCodes } from './wrong-codes.ts';

/** Requests served, by route; tests and benches read it to count round trips to the auth server. */
export interface RequestLog {
	total: number;
	byRoute: Record<string, number>;
}

export const REQUEST_LOG_PATH = '/_local/requests';
/**
 * A client that names itself in this header is counted apart too (`/_local/requests?tag=…`), so
 * a test can count its own requests while others run at once. Local only; GoTrue has no such log.
 */
const TAG_HEADER = 'x-local-request-tag';
const MAX_TAGS = 2000;

function count(log: RequestLog, key: string) {
	log.total += 1;
	log.byRoute[key] = (log.byRoute[key] ?? 0) + 1;
}

export function createAuthApp(base: Omit<AuthDeps, 'limits' | 'wrongCodes'>) {
	const deps: AuthDeps = { ...base, limits: new RateLimits(base.settings.rateLimits), wrongCodes: new WrongCodes() };
	const log: RequestLog = { total: 0, byRoute: {} };
	const tagged = new Map<string, RequestLog>();
	const app = new Hono();
	type Handler = (c: Context, deps: AuthDeps) => Promise<Response>;
	const route = (handler: Handler) => (c: Context) => handler(c, deps);
	// Routes whose limit does not depend on the body; /signup and /token choose theirs inside.
	const limited = (name: LimitedRoute, handler: Handler) => (c: Context) => {
		deps.limits.check(c, name);
		return handler(c, deps);
	};

	app.use(async (c, next) => {
		if (c.req.path !== REQUEST_LOG_PATH) {
			const key = `${c.req.method} ${c.req.path}`;
			count(log, key);
			const tag = c.req.header(TAG_HEADER);
			if (tag) {
				if (!tagged.has(tag) && tagged.size >= MAX_TAGS) tagged.clear();
				const own = tagged.get(tag) ?? { total: 0, byRoute: {} };
				tagged.set(tag, own);
				count(own, key);
			}
		}
		await next();
	});
	app.onError((error, c) => errorResponse(c, error));
	app.notFound((c) => c.text('404 page not found', 404));

	app.get('/health', (c) =>
		c.json({ version: 'local', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' })
	);
	app.get('/settings', (c) =>
		c.json({
			external: {
				anonymous_users: deps.settings.enableAnonymousSignIns,
				email: deps.settings.enableEmailSignup,
				phone: false
			},
			disable_signup: !deps.settings.enableSignup,
			mailer_autoconfirm: !deps.settings.enableConfirmations,
			phone_autoconfirm: false,
			sms_provider: '',
			saml_enabled: false
		})
	);
	app.get('/.well-known/jwks.json', (c) => {
		c.header('Cache-Control', 'public, max-age=600');
		return c.json(deps.tokens.jwks());
	});

	app.post('/signup', route(account.signup));
	app.post('/token', route(sessions.token));
	app.post('/logout', route(sessions.logout));
	app.post('/recover', limited('recover', links.recover));
	app.post('/resend', limited('resend', links.resend));
	app.post('/otp', limited('otp', links.otp));
	app.post('/magiclink', limited('otp', links.otp));
	app.post('/invite', route(links.invite));
	app.post('/verify', limited('verify', links.verifyPost));
	app.get('/verify', limited('verify', links.verifyGet));
	app.get('/user', route(account.getUser));
	app.put('/user', limited('user', account.updateUser));
	app.get('/reauthenticate', route(account.reauthenticate));
	const mfa = createMfa(deps);
	app.post('/factors', (c) => mfa.enroll(c));
	app.post('/factors/:factor_id/challenge', (c) => mfa.challenge(c));
	app.post('/factors/:factor_id/verify', (c) => {
		deps.limits.check(c, 'verify');
		return mfa.verify(c);
	});
	app.delete('/factors/:factor_id', (c) => mfa.unenroll(c));
	const passkeys = createPasskeys(deps);
	app.post('/passkeys/registration/options', (c) => passkeys.registrationOptions(c));
	app.post('/passkeys/registration/verify', (c) => passkeys.registrationVerify(c));
	app.post('/passkeys/authentication/options', (c) => passkeys.authenticationOptions(c));
	app.post('/passkeys/authentication/verify', (c) => passkeys.authenticationVerify(c));
	app.get('/passkeys', (c) => passkeys.list(c));
	app.patch('/passkeys/:passkey_id', (c) => passkeys.rename(c));
	app.delete('/passkeys/:passkey_id', (c) => passkeys.remove(c));
	app.get('/admin/users/:id/passkeys', (c) => passkeys.adminList(c));
	app.delete('/admin/users/:id/passkeys/:passkey_id', (c) => passkeys.adminDelete(c));
	// Linking other identities by hand, and SAML, are not implemented: they answer as GoTrue does
	// with them switched off (a signed-in user first, as GoTrue's route order has it).
	const manualLinking = async (c: Context) => {
		await requireUser(c, deps);
		if (!deps.settings.enableManualLinking) throw notFound('manual_linking_disabled', 'Manual linking is disabled');
		throw unprocessable('validation_failed', 'Linking identities is not implemented by the local auth server');
	};
	app.get('/user/identities/authorize', manualLinking);
	app.delete('/user/identities/:id', manualLinking);
	app.post('/sso', () => {
		throw notFound('saml_provider_disabled', 'SAML 2.0 is disabled');
	});

	app.get('/admin/users', route(admin.listUsers));
	app.post('/admin/users', route(admin.createUser));
	app.get('/admin/users/:id', route(admin.getUser));
	app.put('/admin/users/:id', route(admin.updateUser));
	app.delete('/admin/users/:id', route(admin.deleteUser));
	app.get('/admin/users/:id/factors', route(admin.listFactors));
	app.delete('/admin/users/:id/factors/:factor_id', route(admin.deleteFactor));
	app.post('/admin/generate_link', route(links.generateLink));

	app.get(REQUEST_LOG_PATH, (c) => {
		const tag = c.req.query('tag');
		return c.json(tag ? (tagged.get(tag) ?? { total: 0, byRoute: {} }) : log);
	});
	return app;
}
