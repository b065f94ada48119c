// The icons Parley draws (Lucide's, from `lucide`), by name. Their drawings go into one sprite of
// <symbol>s in src/app.html, written by `npm run icons`, and each icon on a page is a <use> of its
// symbol. A sidebar of 50 chats drew 150 icons inline, 37 KB of its page's 181 KB, for the Worker
// to render and send; and pages import only the names (a type), so no drawing ships in the
// JavaScript. icons.test.ts fails when the sprite and this list disagree.
import {
	ArrowUp,
	Check,
	ChevronLeft,
	ChevronRight,
	Copy,
	Download,
	Ellipsis,
	FileText,
	Library,
	LogOut,
	Monitor,
	Moon,
	PanelLeft,
	Pencil,
	Plus,
	RefreshCw,
	Settings2,
	Share2,
	Sparkles,
	Square,
	SquarePen,
	Sun,
	Trash2,
	UserRound,
	Wrench,
	X,
	type IconNode
} from 'lucide';

export const ICONS = {
	'arrow-up': ArrowUp,
	check: Check,
	'chevron-left': ChevronLeft,
	'chevron-right': ChevronRight,
	copy: Copy,
	download: Download,
	ellipsis: Ellipsis,
	'file-text': FileText,
	library: Library,
	'log-out': LogOut,
	monitor: Monitor,
	moon: Moon,
	'panel-left': PanelLeft,
	pencil: Pencil,
	plus: Plus,
	'refresh-cw': RefreshCw,
	'settings-2': Settings2,
	'share-2': Share2,
	sparkles: Sparkles,
	square: Square,
	'square-pen': SquarePen,
	sun: Sun,
	'trash-2': Trash2,
	'user-round': UserRound,
	wrench: Wrench,
	x: X
} satisfies Record<string, IconNode>;

export type IconName = keyof typeof ICONS;

const attribute = (value: unknown) =>
	String(value).replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/** The sprite: one undrawn <svg> with a <symbol id="icon-…"> per icon, as app.html holds it. */
export function iconSprite(): string {
	const symbols = Object.entries(ICONS).map(([name, drawing]) => {
		const parts = drawing.map(([tag, attributes]) => {
			const pairs = Object.entries(attributes).map(([key, value]) => ` ${key}="${attribute(value)}"`);
			return `<${tag}${pairs.join('')}/>`;
		});
		return `<symbol id="icon-${name}" viewBox="0 0 24 24">${parts.join('')}</symbol>`;
	});
	// Not drawn in place (an <svg> takes no `hidden`): its symbols are drawn where a <use> points.
	return `<svg xmlns="http://www.w3.org/2000/svg" style="display: none">${symbols.join('')}</svg>`;
}

/** The comment in src/app.html that the sprite follows, on one line prettier leaves alone. */
export const ICON_SPRITE_MARKER =
	'<!-- The icons, drawn once: npm run icons writes them from src/lib/icons.ts. -->\n\t\t<!-- prettier-ignore -->';
