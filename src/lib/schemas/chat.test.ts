import { describe, expect, it } from 'vitest';
import { shareSchema, toolSwitchesSchema } from './chat';

describe('shareSchema', () => {
	it('shares the thinking and the tool calls only when their box is ticked', () => {
		expect(shareSchema.parse({ withThinking: null, withTools: null })).toEqual({
			withThinking: false,
			withTools: false
		});
		expect(shareSchema.parse({ withThinking: 'on', withTools: null })).toEqual({
			withThinking: true,
			withTools: false
		});
		expect(shareSchema.parse({ withThinking: null, withTools: 'on' })).toEqual({
			withThinking: false,
			withTools: true
		});
	});

	it('refuses any other value with a message', () => {
		for (const value of ['true', 'off', '', 'on\u0000']) {
			for (const form of [
				{ withThinking: value, withTools: null },
				{ withThinking: null, withTools: value }
			]) {
				const parsed = shareSchema.safeParse(form);
				expect(parsed.success).toBe(false);
				expect(parsed.error?.issues[0]?.message).toBe('That sharing choice is not valid.');
			}
		}
	});
});

describe('toolSwitchesSchema', () => {
	it('keeps switched off the listed tools left off, and those switched off before that were not listed', () => {
		const off = toolSwitchesSchema.parse({
			listed: ['notes__search', 'notes__send', 'test__add'],
			on: ['notes__search', 'test__add'],
			kept: ['gone__lookup', 'test__add']
		});
		// test__add was listed and switched on again: no longer kept off.
		expect(off.sort()).toEqual(['gone__lookup', 'notes__send']);
	});

	it('switches nothing on for a name that is not a tool, and refuses malformed ones with a message', () => {
		expect(toolSwitchesSchema.parse({ listed: [], on: ['anything__else'], kept: [] })).toEqual([]);
		const refused = toolSwitchesSchema.safeParse({ listed: ['<script>'], on: [], kept: [] });
		expect(refused.success).toBe(false);
		expect(refused.error?.issues[0].message).toBe('That tool is not one Parley offers.');
		expect(
			toolSwitchesSchema.safeParse({ listed: Array.from({ length: 201 }, (_, i) => `a__t${i}`), on: [], kept: [] })
				.success
		).toBe(false);
	});
});
