-- Issue 5, hosted invoices: the Pepper gateway's invoice model, kept in Paykit's own database and
-- paid through checkout sessions that point back at the invoice.
CREATE TABLE invoices (
  id                     text PRIMARY KEY,
  merchant_id            text NOT NULL REFERENCES merchants(id),
  mode                   text NOT NULL CHECK (mode IN ('test', 'live')),
  -- The hosted page's bearer id: random, never derived from anything else.
  public_id              text NOT NULL UNIQUE,
  -- Bumped by every update; a checkout opened on an older version cannot be paid.
  version                integer NOT NULL DEFAULT 1,
  currency               text NOT NULL,
  locale                 text NOT NULL DEFAULT 'en',
  provider               text NOT NULL,
  invoice_number         text,
  customer_number        text,
  customer_id            text,
  company_name           text,
  company_logo_url       text,
  payable_to             jsonb NOT NULL,
  bill_to                jsonb NOT NULL,
  date_due               timestamptz NOT NULL,
  -- The computed lines (contract/invoice.ts InvoiceItem[]).
  items                  jsonb NOT NULL,
  tax_percent            text,
  subtotal               bigint NOT NULL CHECK (subtotal >= 0),
  tax                    bigint NOT NULL CHECK (tax >= 0),
  shipping               bigint NOT NULL DEFAULT 0 CHECK (shipping >= 0),
  adjustment             bigint NOT NULL DEFAULT 0,
  total                  bigint NOT NULL CHECK (total > 0),
  -- Settled outside Paykit (items marked paid), and through Paykit (succeeded payments, surcharges excluded).
  paid_outside           bigint NOT NULL DEFAULT 0 CHECK (paid_outside >= 0 AND paid_outside < total),
  amount_paid            bigint NOT NULL DEFAULT 0 CHECK (amount_paid >= 0),
  amount_due             bigint GENERATED ALWAYS AS (GREATEST(total - paid_outside - amount_paid, 0)) STORED,
  -- `overdue` is not stored: it depends on the clock (date_due passed while something is due).
  status                 text GENERATED ALWAYS AS (
                           CASE WHEN paid_outside + amount_paid >= total THEN 'paid'
                                WHEN paid_outside + amount_paid > 0 THEN 'partially_paid'
                                ELSE 'pending' END) STORED,
  allow_partial_payment  boolean NOT NULL DEFAULT false,
  minimum_payment        bigint CHECK (minimum_payment > 0),
  payment_methods        text[] NOT NULL,
  message                text,
  metadata               jsonb NOT NULL DEFAULT '{}',
  paid_at                timestamptz,
  deleted_at             timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoices_merchant ON invoices (merchant_id, created_at DESC) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX invoices_number ON invoices (merchant_id, mode, invoice_number) WHERE deleted_at IS NULL AND invoice_number IS NOT NULL;

-- A checkout opened from a hosted invoice, and the invoice version it was opened on.
ALTER TABLE checkout_sessions ADD COLUMN invoice_id text REFERENCES invoices(id);
ALTER TABLE checkout_sessions ADD COLUMN invoice_version integer;
CREATE INDEX checkout_sessions_invoice ON checkout_sessions (invoice_id) WHERE invoice_id IS NOT NULL;
