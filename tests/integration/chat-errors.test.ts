// How data-access failures reach the routes: as AppErrors with a status and a message people
// can act on, never as a bare exception that would render a 500 page.
import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/database.types.ts';
import { postMessage } from '../../src/lib/server/chat/messages.ts';
import { getSessionWithMessages, listSessions } from '../../src/lib/server/chat/sessions.ts';
import { AppError } from '../../src/lib/server/errors.ts';
import { publishableKey, signedUpUser } from './supabase.ts';

async function failure(promise: Promise<unknown>): Promise<AppError> {
	const error = await promise.then(
		() => null,
		(cause: unknown) => cause
	);
	expect(error).toBeInstanceOf(AppError);
	return error as AppError;
}

describe('chat data access errors', () => {
	it('reports a dead database as unavailable (503), not as a crash', async () => {
		// Nothing listens on port 9: the same failure a stopped PostgREST gives.
		const dead = createClient<Database>('http://127.0.0.1:9', publishableKey, { auth: { persistSession: false } });
		const error = await failure(postMessage(dead, { messageId: randomUUID(), content: 'hello?' }));
		expect([error.code, error.status]).toEqual(['unavailable:database', 503]);
		expect((await failure(listSessions(dead))).code).toBe('unavailable:database');
	});

	it('reports unknown, foreign and malformed chat ids as not found (404)', async () => {
		const a = await signedUpUser('errors-a');
		const b = await signedUpUser('errors-b');
		const posted = await postMessage(a.client as SupabaseClient<Database>, {
			messageId: randomUUID(),
			content: 'mine'
		});
		const bClient = b.client as SupabaseClient<Database>;
		for (const id of [randomUUID(), posted.sessionId, 'not-a-uuid']) {
			const error = await failure(getSessionWithMessages(bClient, id));
			expect([error.code, error.status]).toEqual(['not_found:chat', 404]);
		}
		const intoForeign = await failure(
			postMessage(bClient, { messageId: randomUUID(), content: 'x', sessionId: posted.sessionId })
		);
		expect(intoForeign.code).toBe('not_found:chat');
	});

	it('reports a message over the limit as a bad request (400)', async () => {
		const user = await signedUpUser('errors-long');
		const error = await failure(
			postMessage(user.client as SupabaseClient<Database>, { messageId: randomUUID(), content: 'x'.repeat(8001) })
		);
		expect([error.code, error.status]).toEqual(['bad_request:message', 400]);
	});
});
