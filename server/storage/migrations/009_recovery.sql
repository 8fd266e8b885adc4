-- Issue 7: crash recovery and provider faults (server/payments/reconcile.ts, failover in
-- server/payments/failover.ts).
--
-- The reconciler's bookkeeping: how many times a payment in doubt was asked about, and when it
-- may be asked next. A reconciler claims a payment by pushing `reconcile_after` forward, so two
-- server instances never ask about the same one at once.
ALTER TABLE payments ADD COLUMN reconcile_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN reconcile_after timestamptz;
CREATE INDEX payments_in_doubt ON payments (created_at) WHERE status = 'processing';
-- The provider a card payment was first sent to when it went on to the next one (that provider
-- failed before processing: refused connection, DNS, 503). `provider` is the one that charged.
ALTER TABLE payments ADD COLUMN failed_over_from text;
