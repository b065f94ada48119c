-- A reply the person stopped keeps what was written and says so: distinct from a failure.
-- (On its own: a new enum value cannot be used in the transaction that adds it.)
alter type public.chat_message_status add value if not exists 'stopped';
