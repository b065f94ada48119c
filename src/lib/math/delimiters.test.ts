import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '$lib/markdown';
import { renderTex } from './katex';

// Each formula found is drawn as ⟦I:tex⟧ (inline) or ⟦D:tex⟧ (display), so a case reads as what
// the reply would show; everything else is the markdown's text, code headers and tags left out and
// white space collapsed.
const marks = (text: string) =>
	renderMarkdown(text, { tex: (tex, display) => `⟦${display ? 'D' : 'I'}:${tex}⟧` })
		.replace(/<div class="code-header">.*?<\/div>/g, '')
		.replace(/<[^>]+>/g, '')
		.replace(/\s+/g, ' ')
		.replaceAll('&amp;', '&')
		.replaceAll('&lt;', '<')
		.replaceAll('&gt;', '>')
		.replaceAll('&#39;', "'")
		.replaceAll('&quot;', '"')
		.trim();

// From real chats: what a model writes, and what a person should see.
const corpus: [string, string][] = [
	// Inline dollars
	['The area is $\\pi r^2$.', 'The area is ⟦I:\\pi r^2⟧.'],
	['Let $x$ and $y$ be reals.', 'Let ⟦I:x⟧ and ⟦I:y⟧ be reals.'],
	['$E = mc^2$', '⟦I:E = mc^2⟧'],
	['so $a_{n+1} = 2a_n$, which', 'so ⟦I:a_{n+1} = 2a_n⟧, which'],
	['the $x$-axis', 'the ⟦I:x⟧-axis'],
	['($\\alpha$)', '(⟦I:\\alpha⟧)'],
	['$\\$5$ in TeX', '⟦I:\\$5⟧ in TeX'],
	// Money stays text
	['It costs $5 and $10.', 'It costs $5 and $10.'],
	['Between $20,000 and $30,000 a year.', 'Between $20,000 and $30,000 a year.'],
	['From $5-$10 each', 'From $5-$10 each'],
	['Pay $5.', 'Pay $5.'],
	['US$5 or US$10', 'US$5 or US$10'],
	['$ 5 and 10 $', '$ 5 and 10 $'],
	['I have $3, you have $4', 'I have $3, you have $4'],
	['A $ sign alone', 'A $ sign alone'],
	['$$ on its own', '$$ on its own'],
	// Escaped dollars are dollars
	['Not math: \\$x\\$', 'Not math: $x$'],
	['\\$5 and \\$10', '$5 and $10'],
	// Code is code
	['Run `echo $HOME` then `$PATH`', 'Run echo $HOME then $PATH'],
	['`$x$` is written as $x$', '$x$ is written as ⟦I:x⟧'],
	['```sh\necho "$a$b"\n```', 'echo "$a$b"'],
	['    $indented code$', '$indented code$'],
	// Display math
	['$$\\int_0^1 x\\,dx = \\frac{1}{2}$$', '⟦D:\\int_0^1 x\\,dx = \\frac{1}{2}⟧'],
	['$$\n\\sum_{k=1}^n k = \\frac{n(n+1)}{2}\n$$', '⟦D:\\sum_{k=1}^n k = \\frac{n(n+1)}{2}⟧'],
	['Thus $$a^2+b^2=c^2$$ holds.', 'Thus ⟦D:a^2+b^2=c^2⟧ holds.'],
	['\\[\nx = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}\n\\]', '⟦D:x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}⟧'],
	['Inline \\[a+b\\] display', 'Inline ⟦D:a+b⟧ display'],
	// Parentheses
	['where \\(f(x) = x^2\\) grows', 'where ⟦I:f(x) = x^2⟧ grows'],
	['\\(a\\) and \\(b\\)', '⟦I:a⟧ and ⟦I:b⟧'],
	// Unclosed or empty: text, as a half-written formula must be while it streams
	['So $$\\int_0^1', 'So $$\\int_0^1'],
	['Then \\(x + ', 'Then (x +'],
	['$x', '$x'],
	['$$$$', '$$$$'],
	// Not across paragraphs
	['$a\n\nb$', '$a b$'],
	// In lists and tables
	['- $x^2$\n- $y^2$', '⟦I:x^2⟧ ⟦I:y^2⟧'],
	['| f | value |\n| - | - |\n| $\\sin x$ | $1$ |', 'f value ⟦I:\\sin x⟧ ⟦I:1⟧']
];

describe('math delimiters', () => {
	it('has a corpus of at least 30 cases', () => {
		expect(corpus.length).toBeGreaterThanOrEqual(30);
	});
	it.each(corpus)('%j', (input, shown) => {
		expect(marks(input)).toBe(shown);
	});
});

describe('typesetting', () => {
	it('writes HTML and MathML, with the TeX as an annotation for screen readers and copying', () => {
		const html = renderMarkdown('Area: $\\pi r^2$', { tex: renderTex });
		expect(html).toContain('<span class="math-inline"><span class="katex">');
		expect(html).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML">');
		expect(html).toContain('<annotation encoding="application/x-tex">\\pi r^2</annotation>');
	});

	it('draws a display formula on its own line', () => {
		const html = renderMarkdown('$$x^2$$', { tex: renderTex });
		expect(html).toMatch(/^<div class="math-display"><span class="katex-display">/);
	});

	it('shows a formula as its source until KaTeX is there, and says it found one', () => {
		let told = 0;
		const html = renderMarkdown('Area: $\\pi r^2$', { onMath: () => told++ });
		expect(html).toBe('<p>Area: <span class="math-inline">$\\pi r^2$</span></p>\n');
		expect(told).toBe(1);
		renderMarkdown('It costs $5 and $10.', { onMath: () => told++ });
		expect(told).toBe(1);
	});

	it('lets no TeX link, style or script anything', () => {
		for (const tex of [
			'\\href{javascript:alert(1)}{x}',
			'\\url{https://evil.example}',
			'\\htmlClass{code-block}{x}',
			'\\htmlStyle{position:fixed}{x}',
			'\\includegraphics{https://evil.example/a.png}',
			'</span><script>alert(1)</script>'
		]) {
			const html = renderMarkdown(`$${tex}$`, { tex: renderTex });
			// The source stays readable in MathML's annotation, as text; nothing of it becomes markup.
			expect(html).not.toMatch(/<a[\s>]|href=|<script|<img|src=|style="[^"]*position|class="[^"]*code-block/);
			expect(html).toContain('<annotation encoding="application/x-tex">');
		}
	});

	it('keeps a reply from forging a formula placeholder', () => {
		const html = renderMarkdown('m00000000000000000000000000000000n0z and $x$', { tex: () => 'TYPESET' });
		expect(html).toBe('<p>m00000000000000000000000000000000n0z and <span class="math-inline">TYPESET</span></p>\n');
	});

	it('leaves a formula too long to typeset as text', () => {
		const tex = 'x+'.repeat(2500) + 'x';
		expect(renderMarkdown(`$${tex}$`, { tex: () => 'TYPESET' })).not.toContain('TYPESET');
	});
});
