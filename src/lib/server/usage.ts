// What the database's usage limits mean for a person. The reply trigger refuses with SQLSTATE
// PT429 and a JSON detail (supabase/migrations/*_usage_limits.sql); this turns that detail into
// a sentence that says when to try again, and the seconds for a Retry-After header.
import { z } from 'zod';

const refusalSchema = z.discriminatedUnion('limit', [
	z.object({
		limit: z.literal('quota'),
		plan: z.enum(['member', 'guest']),
		max: z.number().int().nonnegative(),
		period_seconds: z.number().int().positive(),
		retry_after: z.number().int().positive()
	}),
	z.object({
		limit: z.literal('concurrent'),
		plan: z.enum(['member', 'guest']),
		max: z.number().int().positive(),
		retry_after: z.number().int().positive()
	})
]);

export interface LimitRefusal {
	message: string;
	retryAfterSeconds: number;
}

const plural = (count: number, unit: string, units = `${unit}s`) => `${count} ${count === 1 ? unit : units}`;

/** "1 hour 5 minutes", "12 minutes", "40 seconds": rounded up, so "in" is never too early. */
export function durationWords(seconds: number): string {
	if (seconds < 60) return plural(Math.max(1, Math.ceil(seconds)), 'second');
	const minutes = Math.ceil(seconds / 60);
	if (minutes < 60) return plural(minutes, 'minute');
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	return rest === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
}

function periodWords(seconds: number): string {
	if (seconds % 86_400 === 0) return seconds === 86_400 ? '24 hours' : plural(seconds / 86_400, 'day');
	return durationWords(seconds);
}

/** Reads the refusal's detail; undefined when it is not one of ours. */
export function describeLimitRefusal(detail: string | null | undefined): LimitRefusal | undefined {
	let value: unknown;
	try {
		value = JSON.parse(detail ?? '');
	} catch {
		return undefined;
	}
	const parsed = refusalSchema.safeParse(value);
	if (!parsed.success) return undefined;
	const refusal = parsed.data;
	const wait = durationWords(refusal.retry_after);
	if (refusal.limit === 'concurrent') {
		const busy = refusal.max === 1 ? 'Another reply of yours is' : `${refusal.max} replies of yours are`;
		return {
			message: `${busy} still being written. Wait for it to finish, then try again (in about ${wait}).`,
			retryAfterSeconds: refusal.retry_after
		};
	}
	const upgrade = refusal.plan === 'guest' ? ' Create an account for a larger allowance.' : '';
	return {
		message:
			`You have used all ${plural(refusal.max, 'reply', 'replies')} allowed in ${periodWords(refusal.period_seconds)}. ` +
			`You can send again in ${wait}.${upgrade}`,
		retryAfterSeconds: refusal.retry_after
	};
}
