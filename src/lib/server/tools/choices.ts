// The tools Chat settings lists for a chat: what the operator's servers offer now, and which ones
// the chat switched off.
import type { ChatToolChoices } from '$lib/chat/tool-calls';
import { chatDisabledTools } from '../chat/sessions';
import type { ChatClient } from '../chat/types';
import type { ToolsConfig } from './config';
import { toolCatalog } from './mcp';

// Settings waits this long at most for a server to list its tools, whatever its own timeout; one
// that takes longer is named as not answering.
const LIST_WAIT_MS = 5_000;

/** Null when the operator configured no tool servers. */
export async function chatToolChoices(
	client: ChatClient,
	config: ToolsConfig,
	sessionId: string,
	signal: AbortSignal
): Promise<ChatToolChoices | null> {
	if (!config.servers.length) return null;
	const [servers, off] = await Promise.all([
		toolCatalog(config, AbortSignal.any([signal, AbortSignal.timeout(LIST_WAIT_MS)])),
		chatDisabledTools(client, sessionId)
	]);
	return { servers, off };
}
