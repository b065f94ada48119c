// The edges' side of the one error path: a load, an action and an endpoint each hand what they
// caught to describeFailure and answer in their own shape.
import { error, fail, json, type RequestEvent } from '@sveltejs/kit';
import { describeFailure, failureText, type Failure } from './errors';

/** A body that is not a form reads as an empty one, and fails validation like one. */
export const readForm = (event: RequestEvent): Promise<FormData> =>
	event.request.formData().catch(() => new FormData());

const where = (event: RequestEvent) => `${event.request.method} ${event.url.pathname}`;

function described(event: RequestEvent, cause: unknown): Failure {
	const failure = describeFailure(cause, where(event));
	if (failure.retryAfterSeconds !== undefined) event.setHeaders({ 'retry-after': String(failure.retryAfterSeconds) });
	return failure;
}

/** For loads: renders the error page with the message and, for a 5xx, the error id. */
export function loadFailure(event: RequestEvent, cause: unknown): never {
	const failure = describeFailure(cause, where(event));
	error(failure.status, { message: failure.message, errorId: failure.errorId });
}

/** For form actions: the form comes back with what was typed and the message. */
export function actionFailure<T extends Record<string, unknown>>(event: RequestEvent, cause: unknown, values: T) {
	const failure = described(event, cause);
	return fail(failure.status, { ...values, error: failureText(failure) });
}

/** For JSON endpoints. */
export function jsonFailure(event: RequestEvent, cause: unknown): Response {
	const failure = describeFailure(cause, where(event));
	const { status, code, errorId, retryAfterSeconds } = failure;
	const headers = retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) };
	return json({ error: { code, message: failureText(failure), errorId } }, { status, headers });
}
