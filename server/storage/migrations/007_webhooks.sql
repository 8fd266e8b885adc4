-- Issue 7, merchant webhooks: the merchant's endpoints, the events Paykit records for them, and
-- each event's delivery to each endpoint with every attempt. The delivery itself runs from the
-- outbox (topic `merchant.webhook`, one row per delivery: UNIQUE (topic, subject) there makes it
-- one send per event and endpoint, whatever the number of workers).

CREATE TABLE webhook_endpoints (
  id                          text PRIMARY KEY,
  merchant_id                 text NOT NULL REFERENCES merchants(id),
  -- An endpoint hears only its own mode's events (a test key's endpoints never see live payments).
  mode                        text NOT NULL CHECK (mode IN ('test', 'live')),
  url                         text NOT NULL,
  description                 text,
  -- Event types (contract/webhooks.ts WEBHOOK_EVENT_TYPES), or '*' for all of them.
  enabled_events              text[] NOT NULL,
  status                      text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
  -- The signing secret (whsec_…), sealed with the server secret (server/crypto.ts `seal`): it
  -- must be read back to sign, so it cannot be a hash, and a dump of the database alone does not
  -- give it away. Its last 4 characters identify it to the merchant.
  secret_sealed               text NOT NULL,
  secret_hint                 text NOT NULL,
  -- After a rotation, the secret it replaced keeps signing too (a second v1=) until it expires.
  previous_secret_sealed      text,
  previous_secret_expires_at  timestamptz,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id, mode, created_at);

-- What happened, with a snapshot of the object as the API showed it then. The id is what the
-- merchant deduplicates on: every delivery and every retry of an event carries the same one.
CREATE TABLE webhook_events (
  id           text PRIMARY KEY,
  merchant_id  text NOT NULL REFERENCES merchants(id),
  mode         text NOT NULL CHECK (mode IN ('test', 'live')),
  type         text NOT NULL,
  -- The payment or invoice it is about.
  object_id    text NOT NULL,
  -- data.object: the merchant's view of it (never a card number, CVV or secret: the views have none).
  data         jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_merchant ON webhook_events (merchant_id, mode, created_at DESC, id DESC);
CREATE INDEX webhook_events_object ON webhook_events (object_id);

-- One event to one endpoint; its state (due, delivered, failed and when next) is its outbox row's.
CREATE TABLE webhook_deliveries (
  id           text PRIMARY KEY,
  event_id     text NOT NULL REFERENCES webhook_events(id),
  endpoint_id  text NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  merchant_id  text NOT NULL REFERENCES merchants(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);

-- Every POST to the merchant, for the merchant to read: what came back and how long it took.
CREATE TABLE webhook_attempts (
  id               bigserial PRIMARY KEY,
  delivery_id      text NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt          integer NOT NULL,
  -- null: no HTTP answer (a time-out or a network error, said in `error`).
  response_status  integer,
  error            text,
  duration_ms      integer NOT NULL,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);
