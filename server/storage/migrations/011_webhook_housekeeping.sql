-- Issue 7, webhook housekeeping (Stripe's model): an endpoint whose every attempt has failed for
-- 3 days is disabled, and events, with their deliveries and attempts, are kept 30 days.

-- When the endpoint's current streak of failed attempts began (null: its last attempt got a 2xx).
ALTER TABLE webhook_endpoints ADD COLUMN failing_since timestamptz;
-- Why a disabled endpoint is: null when the merchant disabled it; 'failing' when Paykit did.
ALTER TABLE webhook_endpoints ADD COLUMN disabled_reason text CHECK (disabled_reason IN ('failing'));

-- The sweep of events past their 30 days finds the oldest first.
CREATE INDEX webhook_events_created ON webhook_events (created_at);
