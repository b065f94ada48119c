// A request line of `*` (OPTIONS * HTTP/1.1) or a second Host header gives the runtime a URL
// it cannot parse, and SvelteKit's first `new URL(request.url)` would throw before any of the
// app's own handling could answer: a 500 and an uncaught exception in the log. Such a request
// is malformed, not a failure of ours, so it gets a plain 400 and is not logged.
export function malformedRequest(url: string): Response | null {
	if (URL.canParse(url)) return null;
	return new Response('Bad request: the request line or Host header does not make a URL.', {
		status: 400,
		headers: { 'content-type': 'text/plain; charset=utf-8' }
	});
}
