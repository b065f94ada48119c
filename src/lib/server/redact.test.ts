import { describe, expect, it } from 'vitest';
import { redact } from './redact';

const jwt = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiIxMjMiLCJyb2xlIjoiYXV0aGVudGljYXRlZCJ9.c2lnbmF0dXJlLXBhcnQ';

describe('redact', () => {
	it.each([
		['a JWT', `token ${jwt} failed`, jwt],
		['a bearer header', 'Authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
		['a Supabase secret key', 'apikey sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz used', 'sb_secret_N7UND0UgjKTVK'],
		['an OpenAI key', 'Incorrect API key provided: sk-proj-AbC123dEf456GhI789', 'sk-proj-AbC123dEf456GhI789'],
		['an Anthropic key', 'x-api-key sk-ant-api03-AbCdEf123456-xyz', 'sk-ant-api03-AbCdEf123456'],
		['a refresh token in JSON', '{"refresh_token":"v3ry-s3cret-value"}', 'v3ry-s3cret-value'],
		['a refresh token in a query', '/token?grant_type=refresh_token&refresh_token=q2w3e4r5t6y7', 'q2w3e4r5t6y7'],
		['a bare GoTrue refresh token', 'Invalid Refresh Token: a3kd72nqpz4m already used', 'a3kd72nqpz4m'],
		['a password field', 'body {"email":"a@b.c","password":"hunter2hunter2"}', 'hunter2hunter2'],
		['a long random key', `key=${'A1b2C3d4'.repeat(7)}`, 'A1b2C3d4A1b2C3d4']
	])('removes %s', (_label, input, secret) => {
		const out = redact(input);
		expect(out).not.toContain(secret);
		expect(out).toContain('[redacted');
	});

	it('leaves ordinary text alone', () => {
		const text = 'PGRST102: Empty or invalid json; the conversation ended at position 12 (chat_messages).';
		expect(redact(text)).toBe(text);
	});
});
