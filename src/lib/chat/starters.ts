/** Starter prompts on an empty chat. A link names one (?prompt=), and only these fill the box. */
export const STARTERS = [
	'Explain a hard idea simply, with an example',
	'Help me write a polite but firm email',
	'Plan a week of simple, cheap dinners',
	'Review a piece of code and suggest fixes'
] as const;

export const starterFrom = (value: string | null): string | undefined => STARTERS.find((prompt) => prompt === value);
