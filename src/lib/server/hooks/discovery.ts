// Reads the servers of model entries that discover their models (at most once a minute each)
// before a request that shows the Model picker or writes a reply, so that the registry, which is
// synchronous, finds their lists. Other requests, and setups without such an entry, wait for nothing.
import type { Handle } from '@sveltejs/kit';
import { discoverAll } from '../ai/discovery';
import { serverEnv } from '../env';

const NEEDS_MODELS = /^\/(chat|api\/chat|internal)(\/|$)/;

export const modelDiscovery: Handle = async ({ event, resolve }) => {
	if (NEEDS_MODELS.test(event.url.pathname)) {
		const { models } = serverEnv();
		if (models.some((model) => model.discover)) await discoverAll(models);
	}
	return resolve(event);
};
