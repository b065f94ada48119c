import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ICON_SPRITE_MARKER, ICONS, iconSprite } from './icons';

const root = path.join(import.meta.dirname, '..', '..');
const appHtml = readFileSync(path.join(root, 'src', 'app.html'), 'utf8');

function svelteFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return svelteFiles(full);
		return entry.name.endsWith('.svelte') ? [full] : [];
	});
}

describe('the icons’ sprite', () => {
	it('in src/app.html is the one src/lib/icons.ts draws (npm run icons writes it)', () => {
		const after = appHtml.slice(appHtml.indexOf(ICON_SPRITE_MARKER) + ICON_SPRITE_MARKER.length);
		expect(appHtml).toContain(ICON_SPRITE_MARKER);
		expect(after.trimStart().split('\n')[0]).toBe(iconSprite());
	});

	it('has a symbol for each icon, drawn as Lucide draws it', () => {
		const sprite = iconSprite();
		expect(sprite.match(/<symbol /g)).toHaveLength(Object.keys(ICONS).length);
		expect(sprite).toContain('<symbol id="icon-check" viewBox="0 0 24 24"><path d="M20 6 9 17l-5-5"/></symbol>');
		expect(sprite.startsWith('<svg xmlns="http://www.w3.org/2000/svg" style="display: none">')).toBe(true);
	});

	it('holds only icons a component names', () => {
		const sources = svelteFiles(path.join(root, 'src')).map((file) => readFileSync(file, 'utf8'));
		const unused = Object.keys(ICONS).filter(
			(name) => !sources.some((source) => source.includes(`"${name}"`) || source.includes(`'${name}'`))
		);
		expect(unused).toEqual([]);
	});
});
