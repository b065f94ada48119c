// GoTrue's error codes, in words a person can act on.
import { isAuthApiError, isAuthRetryableFetchError, type AuthError } from '@supabase/supabase-js';

export interface AuthFailure {
	status: number;
	message: string;
}

const MESSAGES: Record<string, AuthFailure> = {
	invalid_credentials: { status: 400, message: 'Wrong email or password.' },
	user_already_exists: { status: 400, message: 'An account with this email already exists. Sign in instead.' },
	email_exists: { status: 400, message: 'An account with this email already exists. Sign in instead.' },
	email_not_confirmed: {
		status: 400,
		message: 'Confirm your email address first: look for our message in your inbox.'
	},
	signup_disabled: { status: 403, message: 'New sign-ups are closed on this Parley.' },
	email_provider_disabled: { status: 403, message: 'Email sign-in is turned off on this Parley.' },
	email_address_invalid: { status: 400, message: 'That email address cannot be used.' },
	over_request_rate_limit: { status: 429, message: 'Too many attempts. Wait a minute and try again.' },
	user_banned: { status: 403, message: 'This account is suspended.' }
};

export function describeAuthError(error: AuthError): AuthFailure {
	if (error.code === 'weak_password') {
		return { status: 400, message: `Choose a stronger password. ${error.message}` };
	}
	if (error.code && MESSAGES[error.code]) return MESSAGES[error.code];
	if (isAuthRetryableFetchError(error) || (isAuthApiError(error) && error.status >= 500)) {
		return { status: 503, message: 'The sign-in service is not answering. Try again in a moment.' };
	}
	return { status: 400, message: 'That did not work. Check your email and password and try again.' };
}
