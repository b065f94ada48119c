// The floor for bench/load.ts: a worker that does no work, run by the same wrangler dev.
export default {
	fetch() {
		return new Response('ok');
	}
};
