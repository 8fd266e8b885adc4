-- Issue 7: card-testing protection. A checkout session counts its failed payment attempts and,
-- at `max_declines` (the server's PAYKIT_SESSION_MAX_DECLINES when the session was created),
-- locks: further confirms are refused. Counted in the database, in the same transaction as the
-- failure and under the session's row lock, so it holds across instances and restarts.
ALTER TABLE checkout_sessions ADD COLUMN decline_count integer NOT NULL DEFAULT 0;
ALTER TABLE checkout_sessions ADD COLUMN max_declines integer NOT NULL DEFAULT 5 CHECK (max_declines > 0);
ALTER TABLE checkout_sessions ADD COLUMN locked_at timestamptz;
