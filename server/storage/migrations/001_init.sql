-- Merchants, their API keys, checkout sessions, payments and their history, idempotency records.
-- No card number, CVV, secret key or client secret is stored in any column: secret keys and
-- webhook tokens are kept as SHA-256 hashes, client secrets are derived (HMAC) and never stored.

CREATE TABLE merchants (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id               text PRIMARY KEY,
  merchant_id      text NOT NULL REFERENCES merchants(id),
  type             text NOT NULL CHECK (type IN ('secret', 'publishable')),
  mode             text NOT NULL CHECK (mode IN ('test', 'live')),
  publishable_key  text UNIQUE,
  secret_hash      text UNIQUE,
  hint             text NOT NULL,
  allowed_origins  text[] NOT NULL DEFAULT '{}',
  revoked_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((type = 'secret') = (secret_hash IS NOT NULL)),
  CHECK ((type = 'publishable') = (publishable_key IS NOT NULL))
);

CREATE TABLE checkout_sessions (
  id           text PRIMARY KEY,
  merchant_id  text NOT NULL REFERENCES merchants(id),
  mode         text NOT NULL,
  amount       bigint NOT NULL CHECK (amount > 0),
  currency     text NOT NULL,
  order_id     text,
  description  text,
  customer     jsonb,
  return_url   text NOT NULL,
  metadata     jsonb NOT NULL DEFAULT '{}',
  locale       text,
  provider     text NOT NULL,
  status       text NOT NULL DEFAULT 'open',
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkout_sessions_merchant ON checkout_sessions (merchant_id, created_at DESC);

CREATE TABLE payments (
  id                  text PRIMARY KEY,
  session_id          text NOT NULL REFERENCES checkout_sessions(id),
  merchant_id         text NOT NULL REFERENCES merchants(id),
  mode                text NOT NULL,
  attempt             integer NOT NULL,
  amount              bigint NOT NULL CHECK (amount > 0),
  currency            text NOT NULL,
  status              text NOT NULL,
  provider            text NOT NULL,
  provider_reference  text,
  card_brand          text,
  card_bin            text CHECK (card_bin ~ '^[0-9]{6}$'),
  card_last4          text CHECK (card_last4 ~ '^[0-9]{4}$'),
  card_exp_month      integer,
  card_exp_year       integer,
  error_code          text,
  error_message       text,
  error_fields        jsonb,
  next_action         jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (session_id, attempt)
);
-- A session has at most one payment that is not failed or canceled: no second charge, ever.
CREATE UNIQUE INDEX payments_one_live_per_session ON payments (session_id)
  WHERE status NOT IN ('failed', 'canceled');
CREATE INDEX payments_merchant ON payments (merchant_id, created_at DESC);
CREATE INDEX payments_provider_reference ON payments (provider, provider_reference);

CREATE TABLE payment_events (
  id           bigserial PRIMARY KEY,
  payment_id   text NOT NULL REFERENCES payments(id),
  from_status  text,
  to_status    text NOT NULL,
  source       text NOT NULL,
  detail       jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, id);

CREATE TABLE idempotency_keys (
  merchant_id      text NOT NULL REFERENCES merchants(id),
  key              text NOT NULL,
  request_method   text NOT NULL,
  request_path     text NOT NULL,
  request_hash     text NOT NULL,
  state            text NOT NULL CHECK (state IN ('running', 'done')),
  response_status  integer,
  response_body    jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  PRIMARY KEY (merchant_id, key)
);
