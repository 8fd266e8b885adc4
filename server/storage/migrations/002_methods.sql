-- Issue 3: PIX and Brazilian cards. A session may carry line items, the most installments the
-- buyer may choose, which methods are offered and whether to ask for a phone. A payment records
-- its method, the installments chosen and the provider's own status word (e.g. `refunded` or
-- `chargeback` after success, which the state machine does not model).
ALTER TABLE checkout_sessions ADD COLUMN line_items jsonb;
ALTER TABLE checkout_sessions ADD COLUMN max_installments integer NOT NULL DEFAULT 1 CHECK (max_installments BETWEEN 1 AND 12);
ALTER TABLE checkout_sessions ADD COLUMN payment_methods text[] NOT NULL DEFAULT '{card}';
ALTER TABLE checkout_sessions ADD COLUMN collect_phone boolean NOT NULL DEFAULT false;

ALTER TABLE payments ADD COLUMN method text NOT NULL DEFAULT 'card' CHECK (method IN ('card', 'pix'));
ALTER TABLE payments ADD COLUMN installments integer CHECK (installments BETWEEN 1 AND 12);
ALTER TABLE payments ADD COLUMN provider_status text;
