// Keeps keyboard focus inside an open drawer or dialog, and closes it on Escape. The rest of the
// page is made inert by the caller, so pointer and screen-reader users stay inside too.
import type { Action } from 'svelte/action';

const FOCUSABLE =
	'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

export interface FocusTrapOptions {
	active: boolean;
	onclose(): void;
	/** What takes focus on opening, if not the first control. */
	initial?: string;
}

export const focusTrap: Action<HTMLElement, FocusTrapOptions> = (node, initial) => {
	let options = initial;
	const focusables = () => [...node.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.offsetParent);

	function onkeydown(event: KeyboardEvent) {
		if (!options.active) return;
		if (event.key === 'Escape') {
			event.preventDefault();
			options.onclose();
			return;
		}
		if (event.key !== 'Tab') return;
		const items = focusables();
		if (!items.length) return;
		const first = items[0];
		const last = items[items.length - 1];
		const inside = node.contains(document.activeElement);
		if (event.shiftKey && (document.activeElement === first || !inside)) {
			event.preventDefault();
			last.focus();
		} else if (!event.shiftKey && (document.activeElement === last || !inside)) {
			event.preventDefault();
			first.focus();
		}
	}

	// After the frame's style changes: the drawer may still be hidden when this runs.
	const focusFirst = () =>
		requestAnimationFrame(() => {
			if (!options.active) return;
			const wanted = options.initial ? node.querySelector<HTMLElement>(options.initial) : null;
			(wanted ?? focusables()[0])?.focus();
		});
	document.addEventListener('keydown', onkeydown);
	focusFirst();
	return {
		update(next) {
			const opened = next.active && !options.active;
			options = next;
			if (opened) focusFirst();
		},
		destroy() {
			document.removeEventListener('keydown', onkeydown);
		}
	};
};
