// [auth.rate_limit]: GoTrue's per-IP token buckets. Each limited route has its own buckets; a
// bucket holds 30 requests (anonymous sign-ins: the hourly number) and refills at the configured
// rate, so a burst passes and a steady flood is refused with 429 over_request_rate_limit.
//
// The client is keyed as GoTrue keys it (internal/api/middleware.go, performRateLimiting): by
// Sb-Forwarded-For when it holds an IP address, else by the first value of the header named in
// GOTRUE_RATE_LIMIT_HEADER when that is set and the request carries it, else not at all. The
// Supabase CLI sets no rate-limit header, so under `supabase start` no one is limited per IP;
// the same holds here unless the environment names one. Sb-Forwarded-For reaches this server
// through the gateway only from a caller holding the secret key (gateway/gateway.ts), as on the
// hosted platform, so a caller cannot pick its own bucket.
import { isIP } from 'node:net';
import type { Context } from 'hono';
import type { RateLimitSettings } from '../config.ts';
import { AuthError } from './errors.ts';

const BURST = 30;
const FIVE_MINUTES = 300;
const HOUR = 3600;
// Buckets idle this long are full again, so they are dropped rather than kept for ever.
const IDLE_MS = HOUR * 1000;

export type LimitedRoute = 'anonymous' | 'signup' | 'token' | 'recover' | 'resend' | 'otp' | 'user' | 'verify';

interface Bucket {
	tokens: number;
	updatedAt: number;
}

class TokenBuckets {
	private readonly buckets = new Map<string, Bucket>();
	private readonly capacity: number;
	private readonly perSecond: number;
	constructor(capacity: number, perSecond: number) {
		this.capacity = capacity;
		this.perSecond = perSecond;
	}

	/** Takes one token for the key; false when its bucket is empty. */
	take(key: string, now = Date.now()): boolean {
		const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedAt: now };
		const refilled = Math.min(this.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond);
		const allowed = refilled >= 1;
		this.buckets.set(key, { tokens: allowed ? refilled - 1 : refilled, updatedAt: now });
		if (this.buckets.size > 10_000) this.prune(now);
		return allowed;
	}

	private prune(now: number) {
		for (const [key, bucket] of this.buckets) if (now - bucket.updatedAt > IDLE_MS) this.buckets.delete(key);
	}
}

/** The first address of a forwarding header, when it is an IP address. */
function firstAddress(header: string | undefined): string | undefined {
	const first = header?.split(',')[0]?.trim();
	return first && isIP(first) ? first : undefined;
}

/** The first value of a header, trimmed; GoTrue takes any text here, not only an address. */
function firstValue(header: string | undefined): string | undefined {
	return header?.split(',')[0]?.trim() || undefined;
}

/** The bucket key for a request, or undefined when GoTrue would not limit it per IP. */
export function clientAddress(c: Context, rateLimitHeader: string | undefined): string | undefined {
	return (
		firstAddress(c.req.header('sb-forwarded-for')) ??
		(rateLimitHeader ? firstValue(c.req.header(rateLimitHeader)) : undefined)
	);
}

export class RateLimits {
	private readonly routes: Record<LimitedRoute, TokenBuckets>;
	private readonly mail: TokenBuckets;
	private readonly header: string | undefined;

	constructor(settings: RateLimitSettings) {
		this.header = settings.rateLimitHeader;
		const perFiveMinutes = (count: number) => new TokenBuckets(BURST, count / FIVE_MINUTES);
		this.routes = {
			anonymous: new TokenBuckets(settings.anonymousUsers, settings.anonymousUsers / HOUR),
			signup: perFiveMinutes(settings.signInSignUps),
			recover: perFiveMinutes(settings.signInSignUps),
			resend: perFiveMinutes(settings.signInSignUps),
			otp: perFiveMinutes(settings.signInSignUps),
			user: perFiveMinutes(settings.signInSignUps),
			token: perFiveMinutes(settings.tokenRefresh),
			verify: perFiveMinutes(settings.tokenVerifications)
		};
		this.mail = new TokenBuckets(settings.emailSent, settings.emailSent / HOUR);
	}

	/** email_sent: one bucket for the whole instance, as GoTrue counts mail through SMTP. */
	allowEmail(): boolean {
		return this.mail.take('instance');
	}

	/** Throws GoTrue's 429 when the client has spent this route's bucket. */
	check(c: Context, route: LimitedRoute): void {
		const address = clientAddress(c, this.header);
		if (address === undefined) return;
		if (!this.routes[route].take(address)) {
			throw new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached');
		}
	}
}
