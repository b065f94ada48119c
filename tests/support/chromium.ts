import { existsSync } from 'node:fs';

// Debian's Chromium, never a downloaded browser. The flags keep it off the network it cannot reach.
const args = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--no-first-run'
];

/** The browser a person runs: the benches measure what it does with Parley's pages. */
export const chromiumLaunchOptions = {
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args
};

// Debian's `chromium-headless-shell` is built from the same Chromium source as `chromium`, without
// the browser's own layer (tabs, profile services), as Playwright's default headless browser is. On
// two cores it costs a quarter of the CPU per page and per navigation (62 ms against 316 ms for a
// new page, 32 ms against 104 ms for a navigation), and Chromium was two thirds of the suite's CPU.
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';

/** The end-to-end suite's browser: the headless shell where it is installed, else Chromium. */
export const testChromiumLaunchOptions = {
	executablePath:
		process.env.CHROMIUM_PATH ?? (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : chromiumLaunchOptions.executablePath),
	args
};
