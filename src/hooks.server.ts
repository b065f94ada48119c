import { sequence } from '@sveltejs/kit/hooks';
import { actionNameGuard } from '$lib/server/hooks/actions';
import { modelDiscovery } from '$lib/server/hooks/discovery';
import { authGuard } from '$lib/server/hooks/guard';
import { securityHeaders } from '$lib/server/hooks/headers';
import { themeHandle } from '$lib/server/hooks/theme';
import { originGuard } from '$lib/server/hooks/origin';
import { supabaseHandle } from '$lib/server/hooks/supabase';
import { logError } from '$lib/server/errors';

export const handle = sequence(
	securityHeaders,
	originGuard,
	actionNameGuard,
	themeHandle,
	supabaseHandle,
	authGuard,
	modelDiscovery
);
export const handleError = logError;
