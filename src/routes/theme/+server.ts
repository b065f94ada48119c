// Sets the theme. A form post (no JavaScript) is sent back to the page it came from; a fetch
// (JavaScript) gets 204 and updates the page itself.
import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { safeRedirectPath } from '$lib/server/redirect';
import { THEMES, THEME_COOKIE } from '$lib/theme';
import type { RequestHandler } from './$types';

const themeForm = z.object({ theme: z.enum(THEMES), returnTo: z.string().optional() });
const ONE_YEAR = 60 * 60 * 24 * 365;

export const POST: RequestHandler = async (event) => {
	const form = await event.request.formData().catch(() => new FormData());
	const parsed = themeForm.safeParse({ theme: form.get('theme'), returnTo: form.get('returnTo') ?? undefined });
	if (!parsed.success) return new Response('Choose system, light or dark.', { status: 400 });
	const { hostname } = event.url;
	event.cookies.set(THEME_COOKIE, parsed.data.theme, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: !['localhost', '127.0.0.1', '[::1]'].includes(hostname),
		maxAge: ONE_YEAR
	});
	if (event.request.headers.get('accept')?.includes('application/json')) return new Response(null, { status: 204 });
	redirect(303, safeRedirectPath(parsed.data.returnTo));
};
