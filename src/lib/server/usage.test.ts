import { describe, expect, it } from 'vitest';
import { describeLimitRefusal, durationWords } from './usage';

describe('durationWords', () => {
	it('rounds up, so a person told "in 2 minutes" is never refused again at that time', () => {
		expect(durationWords(0.2)).toBe('1 second');
		expect(durationWords(40)).toBe('40 seconds');
		expect(durationWords(61)).toBe('2 minutes');
		expect(durationWords(3600)).toBe('1 hour');
		expect(durationWords(3601)).toBe('1 hour 1 minute');
		expect(durationWords(11_520)).toBe('3 hours 12 minutes');
	});
});

describe('describeLimitRefusal', () => {
	it('says how many replies, over what period, and when to send again', () => {
		const detail = JSON.stringify({
			limit: 'quota',
			plan: 'member',
			max: 200,
			period_seconds: 86_400,
			retry_after: 5400
		});
		expect(describeLimitRefusal(detail)).toEqual({
			message: 'You have used all 200 replies allowed in 24 hours. You can send again in 1 hour 30 minutes.',
			retryAfterSeconds: 5400
		});
	});

	it('points a guest at an account', () => {
		const detail = JSON.stringify({ limit: 'quota', plan: 'guest', max: 1, period_seconds: 3600, retry_after: 30 });
		expect(describeLimitRefusal(detail)?.message).toBe(
			'You have used all 1 reply allowed in 1 hour. You can send again in 30 seconds. Create an account for a larger allowance.'
		);
	});

	it('tells a person with a reply in flight to wait for it', () => {
		const detail = JSON.stringify({ limit: 'concurrent', plan: 'guest', max: 1, retry_after: 10 });
		expect(describeLimitRefusal(detail)).toEqual({
			message:
				'Another reply of yours is still being written. Wait for it to finish, then try again (in about 10 seconds).',
			retryAfterSeconds: 10
		});
	});

	it('ignores a detail that is not one of the trigger’s', () => {
		expect(describeLimitRefusal('not json')).toBeUndefined();
		expect(describeLimitRefusal(JSON.stringify({ limit: 'quota' }))).toBeUndefined();
		expect(describeLimitRefusal(null)).toBeUndefined();
	});
});
