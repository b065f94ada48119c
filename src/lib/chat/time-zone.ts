// The chat list groups by calendar day in the person's time zone. The browser tells the server
// its zone through this cookie (not a secret, so readable by script), for the next render.
export const TIME_ZONE_COOKIE = 'tz';

/** Remembers the browser's time zone for the next render, and returns it to group by now. */
export function rememberTimeZone(rendered: string): string {
	const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
	if (zone && zone !== rendered) {
		document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
	}
	return zone || rendered;
}
