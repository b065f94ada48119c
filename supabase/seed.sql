-- Local development data, applied after the migrations by `supabase start`,
-- `supabase db reset` and `npm run supabase:reset`.
-- Parley keeps no fixture users here: tests and people sign up through the app.
select 1;
