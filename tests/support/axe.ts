// axe-core, run in the page itself and injected once a document. @axe-core/playwright's analyze()
// injects axe's 550 KB of script on every call and finishes every run in a new blank page: about
// 0.85 s of CPU a call on this machine before any rule ran, against 15 ms this way, and the
// accessibility tests make some sixty calls. That finishing step exists for cross-origin frames,
// which Parley's pages do not have.
import axe from 'axe-core';
import type { Page } from '@playwright/test';

type Axe = typeof axe;

export interface AxeScope {
	/** Rules by their tags (WCAG levels), or */
	tags?: string[];
	/** by their ids. */
	rules?: string[];
	/** Rules to run beside the tags' (best practices, which no WCAG tag names). */
	also?: string[];
	/** A selector that limits the run to what it matches. */
	within?: string;
}

/** What axe finds wrong on the page as it is now, one `rule: node, node` a rule. */
export async function axeViolations(page: Page, { tags, rules, also = [], within }: AxeScope): Promise<string[]> {
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
	const runOnly = rules ? { type: 'rule' as const, values: rules } : { type: 'tag' as const, values: tags ?? [] };
	const enabled = Object.fromEntries(also.map((rule) => [rule, { enabled: true }]));
	return page.evaluate(
		async ({ runOnly, enabled, within }) => {
			const { violations } = await (window as unknown as { axe: Axe }).axe.run(within ?? document, {
				runOnly,
				rules: enabled
			});
			return violations.map(({ id, nodes }) => `${id}: ${nodes.map((node) => node.target.join(' ')).join(', ')}`);
		},
		{ runOnly, enabled, within }
	);
}
