// Writes the icons' sprite (src/lib/icons.ts) into src/app.html, on the line after its marker, as
// one line that prettier leaves alone. `npm run icons` after adding an icon; src/lib/icons.test.ts
// fails until then.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ICON_SPRITE_MARKER, iconSprite } from '../src/lib/icons.ts';

const file = path.join(import.meta.dirname, '..', 'src', 'app.html');
const html = readFileSync(file, 'utf8');
const start = html.indexOf(ICON_SPRITE_MARKER);
if (start < 0) throw new Error(`src/app.html has no marker: ${ICON_SPRITE_MARKER}`);
const end = html.indexOf('</body>', start);
const sprite = iconSprite();
writeFileSync(file, `${html.slice(0, start)}${ICON_SPRITE_MARKER}\n\t\t${sprite}\n\t${html.slice(end)}`);
console.log(`Wrote the sprite of ${(sprite.match(/<symbol /g) ?? []).length} icons into src/app.html`);
