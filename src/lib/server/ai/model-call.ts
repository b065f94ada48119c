// One call to a model, streamed: a reply without tools, and a chat's title. streamText runs every
// call inside its loop of steps (tool calls, stop conditions, a stream several readers can replay),
// and each of its layers is another stream stage every chunk of the reply passes through. A call
// that cannot call tools needs none of it: the AI SDK's single model call converts the prompt the
// same way and hands on the provider's parts, and bench:model-calls measured it at less than half
// streamText's CPU per reply, most of the difference per chunk. It is experimental_ in AI SDK 7:
// an update that changes it fails the reply tests of every provider's wire format, failures included.
import {
	experimental_streamLanguageModelCall as streamLanguageModelCall,
	type LanguageModelStreamPart,
	type ModelMessage
} from 'ai';
import type { ChatModel, ReasoningCallOptions } from './registry';

export interface ModelCall {
	model: ChatModel['model'];
	system?: string;
	messages: ModelMessage[];
	maxOutputTokens: number;
	abortSignal: AbortSignal;
	/** How the model is asked to think first: a reply's setting; a title is asked without it. */
	reasoning?: ReasoningCallOptions;
}

/**
 * The call's parts as they arrive. A provider that refuses the call (an HTTP error, a dead
 * server) rejects here, or errors the stream; neither is retried: the person has a Retry button.
 */
export async function streamModelCall(call: ModelCall): Promise<AsyncIterable<LanguageModelStreamPart>> {
	const { stream } = await streamLanguageModelCall({
		model: call.model,
		system: call.system,
		messages: call.messages,
		maxOutputTokens: call.maxOutputTokens,
		...call.reasoning,
		abortSignal: call.abortSignal
	});
	return stream;
}
