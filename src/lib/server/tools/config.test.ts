import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_STEPS, parseToolsConfig } from './config';

const server = {
	id: 'notes',
	label: 'Notes',
	url: 'https://notes.example/mcp',
	headerVars: { Authorization: 'NOTES_MCP_TOKEN' },
	safeTools: ['search'],
	timeoutMs: 20000
};

describe('MCP_SERVERS', () => {
	it('is empty when unset, with the default step limit', () => {
		expect(parseToolsConfig({})).toEqual({ servers: [], maxSteps: DEFAULT_MAX_STEPS });
	});

	it('reads each server, its header values from the variables it names', () => {
		const config = parseToolsConfig({
			MCP_SERVERS: JSON.stringify([server]),
			NOTES_MCP_TOKEN: 'Bearer secret',
			MCP_MAX_STEPS: '3'
		});
		expect(config).toEqual({
			servers: [
				{
					id: 'notes',
					label: 'Notes',
					url: 'https://notes.example/mcp',
					headers: { Authorization: 'Bearer secret' },
					safeTools: ['search'],
					timeoutMs: 20000
				}
			],
			maxSteps: 3
		});
	});

	it('names what is wrong: a header variable not set, a value in the JSON, a repeated id, bad JSON, a bad limit', () => {
		expect(() => parseToolsConfig({ MCP_SERVERS: JSON.stringify([server]) })).toThrow(
			'notes sends Authorization from NOTES_MCP_TOKEN, which is not set'
		);
		const withValue = { ...server, headerVars: {}, headers: { Authorization: 'Bearer secret' } };
		expect(() => parseToolsConfig({ MCP_SERVERS: JSON.stringify([withValue]) })).toThrow(/MCP_SERVERS/);
		const twice = [
			{ ...server, headerVars: {} },
			{ ...server, headerVars: {} }
		];
		expect(() => parseToolsConfig({ MCP_SERVERS: JSON.stringify(twice) })).toThrow('the id notes is used twice');
		expect(() => parseToolsConfig({ MCP_SERVERS: '[{' })).toThrow('MCP_SERVERS is not valid JSON');
		expect(() => parseToolsConfig({ MCP_SERVERS: JSON.stringify([{ ...server, url: 'file:///etc/passwd' }]) })).toThrow(
			/MCP_SERVERS/
		);
		expect(() => parseToolsConfig({ MCP_MAX_STEPS: '0' })).toThrow('MCP_MAX_STEPS');
	});
});
