// See https://svelte.dev/docs/kit/types#app.d.ts
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '$lib/database.types';
import type { ChatClient } from '$lib/server/chat/types';

declare global {
	namespace App {
		interface Locals {
			/** This request's Supabase client. It carries the visitor's JWT from the auth cookies,
			 * so every query runs under their RLS policies. Never shared between requests. */
			supabase: ChatClient;
			/** Auth on the session in this request's cookies (@supabase/ssr): signing in and out,
			 * refreshing, changing the account. What it changes is written back to the cookies. */
			auth: SupabaseClient<Database>['auth'];
			/** The signed-in person, from a locally verified JWT; null for visitors. A guest is an
			 * anonymous sign-in ("Try it without an account"), with no email until they add one. */
			user: {
				id: string;
				email: string | null;
				isGuest: boolean;
				/** Signed in with the password, and a verified second factor's code is still owed (aal1). */
				needsSecondFactor: boolean;
			} | null;
			/** True when the request arrived with auth cookies that no longer hold a live
			 * session (signed out elsewhere, or the refresh token was revoked). */
			sessionEnded: boolean;
			/** The colour scheme chosen with the Theme button, from its cookie. */
			theme: import('$lib/theme').Theme;
		}
		interface Error {
			message: string;
			/** Quoted in the server log next to the cause, so a report can be matched to it. */
			errorId?: string;
		}
		interface Platform {
			env: Record<string, unknown> & { AI?: Ai };
			ctx: ExecutionContext;
			caches: CacheStorage & { default: Cache };
		}
	}
}

export {};
