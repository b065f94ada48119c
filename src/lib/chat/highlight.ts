// Syntax highlighting for code blocks in replies: highlight.js's core, plus only the grammars of
// the languages the blocks on the page name (```js, ```python …), each fetched on first use.
// A block that names no language, or one not listed here, stays plain. Loaded on demand by
// highlight-loader.ts, only once a finished reply has a code block.
// highlight.js reads each block's text and writes it back escaped, wrapped in spans with classes,
// so it adds no markup of its own that the sanitizer did not see, and no inline style for the CSP.
import hljs from 'highlight.js/lib/core';
import type { LanguageFn } from 'highlight.js';

type Grammar = () => Promise<{ default: LanguageFn }>;

const grammars: Record<string, Grammar> = {
	bash: () => import('highlight.js/lib/languages/bash'),
	c: () => import('highlight.js/lib/languages/c'),
	cpp: () => import('highlight.js/lib/languages/cpp'),
	csharp: () => import('highlight.js/lib/languages/csharp'),
	css: () => import('highlight.js/lib/languages/css'),
	diff: () => import('highlight.js/lib/languages/diff'),
	go: () => import('highlight.js/lib/languages/go'),
	java: () => import('highlight.js/lib/languages/java'),
	javascript: () => import('highlight.js/lib/languages/javascript'),
	json: () => import('highlight.js/lib/languages/json'),
	kotlin: () => import('highlight.js/lib/languages/kotlin'),
	markdown: () => import('highlight.js/lib/languages/markdown'),
	php: () => import('highlight.js/lib/languages/php'),
	python: () => import('highlight.js/lib/languages/python'),
	ruby: () => import('highlight.js/lib/languages/ruby'),
	rust: () => import('highlight.js/lib/languages/rust'),
	shell: () => import('highlight.js/lib/languages/shell'),
	sql: () => import('highlight.js/lib/languages/sql'),
	swift: () => import('highlight.js/lib/languages/swift'),
	typescript: () => import('highlight.js/lib/languages/typescript'),
	xml: () => import('highlight.js/lib/languages/xml'),
	yaml: () => import('highlight.js/lib/languages/yaml')
};

// The names models write after the fence, mapped to the grammar that reads them.
const aliases: Record<string, string> = {
	js: 'javascript',
	jsx: 'javascript',
	mjs: 'javascript',
	ts: 'typescript',
	tsx: 'typescript',
	sh: 'bash',
	zsh: 'bash',
	console: 'shell',
	py: 'python',
	rb: 'ruby',
	rs: 'rust',
	golang: 'go',
	kt: 'kotlin',
	cs: 'csharp',
	'c++': 'cpp',
	h: 'c',
	html: 'xml',
	svg: 'xml',
	svelte: 'xml',
	vue: 'xml',
	yml: 'yaml',
	md: 'markdown',
	patch: 'diff'
};

const loading = new Map<string, Promise<void>>();

function grammarFor(code: HTMLElement): string | undefined {
	const named = /\blanguage-([\w+#-]+)/.exec(code.className)?.[1]?.toLowerCase();
	if (!named) return undefined;
	const name = aliases[named] ?? named;
	return name in grammars ? name : undefined;
}

/** Highlights every code block under `root` that names a known language and is not done yet. */
export async function highlightWithin(root: HTMLElement): Promise<void> {
	const blocks = [...root.querySelectorAll<HTMLElement>('pre code:not(.hljs)')];
	await Promise.all(
		blocks.map(async (code) => {
			const name = grammarFor(code);
			if (!name) return;
			let loaded = loading.get(name);
			if (!loaded) {
				loaded = grammars[name]().then((module) => hljs.registerLanguage(name, module.default));
				loading.set(name, loaded);
			}
			await loaded;
			// The reply may have been redrawn meanwhile; only a block still on the page is worked on.
			if (code.isConnected && !code.classList.contains('hljs')) {
				// highlight() escapes the text it is given; its output holds only its own spans.
				code.innerHTML = hljs.highlight(code.textContent ?? '', { language: name, ignoreIllegals: true }).value;
				code.classList.add('hljs');
			}
		})
	);
}
