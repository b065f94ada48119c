// The colour scheme a person chose: the system's, or light or dark whatever the system says.
// Kept in a cookie and written into <html data-theme> during SSR, so the page never flashes.
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_COOKIE = 'parley-theme';

export function parseTheme(value: string | null | undefined): Theme {
	return THEMES.find((theme) => theme === value) ?? 'system';
}

/** The Theme button steps system → light → dark → system. */
export function nextTheme(theme: Theme): Theme {
	return THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
}

export const THEME_LABELS: Record<Theme, string> = {
	system: 'System',
	light: 'Light',
	dark: 'Dark'
};
