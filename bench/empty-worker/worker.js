// The floor for the benches: a worker that does no work, run by the same wrangler dev. At /fetch
// (when FETCH_URL is set) it makes one request there and answers with its body: what a
// subrequest alone costs workerd (bench/cpu-split.ts).
export default {
	fetch(request, env) {
		if (env.FETCH_URL && new URL(request.url).pathname === '/fetch') {
			return fetch(env.FETCH_URL, { headers: { apikey: env.FETCH_APIKEY ?? '' } }).then(
				async (response) => new Response(await response.text())
			);
		}
		return new Response('ok');
	}
};
