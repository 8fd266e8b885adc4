-- Issue 6: the durable outbox (DESIGN.md "Storage") and what the Pagos export reads.
--
-- One row per piece of background work and subject: a payment's export to Pagos is one row, not
-- one per change. A change while the row waits (or is being sent) bumps `version` and makes it
-- due again; a send that raced a change finishes without marking it delivered, so it goes once
-- more, with the newer content. Workers claim due rows with FOR UPDATE SKIP LOCKED and hold them
-- for a lease (`locked_until`): a crashed worker's rows are taken over when the lease runs out.
CREATE TABLE outbox (
  id             bigserial PRIMARY KEY,
  topic          text NOT NULL,
  -- The payment (pagos.transaction, pagos.enrichment).
  subject        text NOT NULL,
  merchant_id    text NOT NULL REFERENCES merchants(id),
  version        integer NOT NULL DEFAULT 1,
  -- pending: due at run_after; delivered: the latest version arrived; parked: refused for good
  -- (a 400, 401 or 403, or retried for too long), kept for the operator with the reason; waiting:
  -- nothing to send until the subject changes (a payment the provider has not answered for yet).
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'parked', 'waiting')),
  -- Failed sends since the last change (what the backoff grows with).
  attempts       integer NOT NULL DEFAULT 0,
  run_after      timestamptz NOT NULL DEFAULT now(),
  locked_until   timestamptz,
  -- The last answer: an HTTP status (null for a network error) and why it failed or was parked.
  last_status    integer,
  last_error     text,
  -- When the current streak of failures began (retries stop after a while).
  failing_since  timestamptz,
  -- A digest of the last body delivered: the same content again is not sent twice.
  sent_digest    text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  delivered_at   timestamptz,
  UNIQUE (topic, subject)
);
CREATE INDEX outbox_due ON outbox (run_after) WHERE status = 'pending';
CREATE INDEX outbox_merchant_status ON outbox (merchant_id, status, updated_at DESC);

-- Every payment is exported, those made before this migration too.
INSERT INTO outbox (topic, subject, merchant_id)
  SELECT topic, p.id, p.merchant_id FROM payments p, unnest(ARRAY['pagos.transaction', 'pagos.enrichment']) AS topic;

-- What the checkout saw when the buyer paid (contract/api.ts checkoutTelemetrySchema): locale,
-- device class, time from ready to submit. No personal data.
ALTER TABLE payments ADD COLUMN telemetry jsonb;
-- The merchant's own enrichment labels (POST /v1/payments/:id/enrichment), merged key by key.
ALTER TABLE payments ADD COLUMN enrichment jsonb NOT NULL DEFAULT '{}';

-- Where a buyer gave up (the widget's beacon when they leave with the payment unfinished).
ALTER TABLE checkout_sessions ADD COLUMN abandoned_step text;
ALTER TABLE checkout_sessions ADD COLUMN abandoned_method text;
ALTER TABLE checkout_sessions ADD COLUMN abandoned_at timestamptz;
ALTER TABLE checkout_sessions ADD COLUMN abandoned_telemetry jsonb;
