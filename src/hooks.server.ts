import { sequence } from '@sveltejs/kit/hooks';
import { authGuard } from '$lib/server/hooks/guard';
import { originGuard } from '$lib/server/hooks/origin';
import { supabaseHandle } from '$lib/server/hooks/supabase';
import { logError } from '$lib/server/errors';

export const handle = sequence(originGuard, supabaseHandle, authGuard);
export const handleError = logError;
