-- Issue 4: authorize then capture, void, refunds, and the card checks a gateway reports.
-- amount_refunded can never pass what was captured: the CHECK is the last line of defence
-- behind the conditional UPDATE that reserves a refund (server/payments/money.ts).
ALTER TABLE checkout_sessions ADD COLUMN capture_method text NOT NULL DEFAULT 'automatic' CHECK (capture_method IN ('automatic', 'manual'));

ALTER TABLE payments ADD COLUMN capture_method text NOT NULL DEFAULT 'automatic' CHECK (capture_method IN ('automatic', 'manual'));
ALTER TABLE payments ADD COLUMN amount_captured bigint CHECK (amount_captured >= 0);
ALTER TABLE payments ADD COLUMN amount_refunded bigint NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0);
ALTER TABLE payments ADD COLUMN avs_result text;
ALTER TABLE payments ADD COLUMN cvv_result text;
ALTER TABLE payments ADD CONSTRAINT payments_refund_within_capture CHECK (amount_refunded <= COALESCE(amount_captured, amount));

CREATE TABLE refunds (
  id                  text PRIMARY KEY,
  payment_id          text NOT NULL REFERENCES payments(id),
  merchant_id         text NOT NULL REFERENCES merchants(id),
  amount              bigint NOT NULL CHECK (amount > 0),
  currency            text NOT NULL,
  status              text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  reason              text,
  provider_reference  text,
  error_code          text,
  error_message       text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_payment ON refunds (payment_id, created_at);

CREATE INDEX payments_merchant_status ON payments (merchant_id, status, created_at DESC);
CREATE INDEX payments_merchant_last4 ON payments (merchant_id, card_last4);

-- A capture or void claims its payment first, so two merchant calls never both reach the
-- provider; a claim older than five minutes (a crash mid-call) may be taken over.
ALTER TABLE payments ADD COLUMN pending_operation text CHECK (pending_operation IN ('capture', 'void'));
ALTER TABLE payments ADD COLUMN pending_operation_at timestamptz;
