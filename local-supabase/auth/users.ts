// GoTrue's JSON for users, identities and sessions.
import type { FactorJson, IdentityRow, UserRow } from './store.ts';

const iso = (value: Date | string) => new Date(value).toISOString();

function setIfPresent(target: Record<string, unknown>, key: string, value: Date | string | null | undefined) {
	if (value) target[key] = iso(value);
}

export function identityJson(identity: IdentityRow) {
	const out: Record<string, unknown> = {
		identity_id: identity.id,
		id: identity.provider_id,
		user_id: identity.user_id,
		identity_data: identity.identity_data,
		provider: identity.provider
	};
	setIfPresent(out, 'last_sign_in_at', identity.last_sign_in_at);
	out.created_at = iso(identity.created_at);
	out.updated_at = iso(identity.updated_at);
	if (identity.email) out.email = identity.email;
	return out;
}

/** Field for field and in GoTrue's order: always-present fields, and the rest only when set. */
export function userJson(user: UserRow) {
	const out: Record<string, unknown> = { id: user.id, aud: user.aud, role: user.role, email: user.email ?? '' };
	setIfPresent(out, 'email_confirmed_at', user.email_confirmed_at);
	setIfPresent(out, 'invited_at', user.invited_at);
	out.phone = user.phone ?? '';
	setIfPresent(out, 'phone_confirmed_at', user.phone_confirmed_at);
	setIfPresent(out, 'confirmation_sent_at', user.confirmation_sent_at);
	setIfPresent(out, 'confirmed_at', user.confirmed_at);
	setIfPresent(out, 'recovery_sent_at', user.recovery_sent_at);
	if (user.email_change) out.new_email = user.email_change;
	setIfPresent(out, 'email_change_sent_at', user.email_change_sent_at);
	setIfPresent(out, 'last_sign_in_at', user.last_sign_in_at);
	out.app_metadata = user.raw_app_meta_data ?? {};
	out.user_metadata = user.raw_user_meta_data ?? {};
	out.identities = user.identities.map(identityJson);
	out.created_at = iso(user.created_at);
	out.updated_at = iso(user.updated_at);
	setIfPresent(out, 'banned_until', user.banned_until);
	setIfPresent(out, 'deleted_at', user.deleted_at);
	out.is_anonymous = user.is_anonymous;
	if (user.factors?.length) out.factors = user.factors.map(factorJson);
	return out;
}

export function factorJson(factor: FactorJson) {
	return {
		id: factor.id,
		...(factor.friendly_name ? { friendly_name: factor.friendly_name } : {}),
		factor_type: factor.factor_type,
		status: factor.status,
		created_at: iso(factor.created_at),
		updated_at: iso(factor.updated_at),
		last_challenged_at: factor.last_challenged_at ? iso(factor.last_challenged_at) : null
	};
}

/** The user GoTrue shows for a repeated signup when it must not reveal that the email is taken. */
export function obfuscatedUserJson(email: string, aud: string, data: Record<string, unknown>) {
	const now = new Date().toISOString();
	return {
		id: crypto.randomUUID(),
		aud,
		role: '',
		email,
		phone: '',
		confirmation_sent_at: now,
		app_metadata: { provider: 'email', providers: ['email'] },
		user_metadata: data,
		identities: [],
		created_at: now,
		updated_at: now,
		is_anonymous: false
	};
}

export function isBanned(user: UserRow): boolean {
	return user.banned_until !== null && user.banned_until.getTime() > Date.now();
}
