-- Issue 7: captures, voids and refunds whose provider call ended in doubt (a timeout, a reset, a
-- 5xx, a server killed mid-call) are settled by asking the provider, never by sending again
-- (server/payments/reconcile-money.ts).
--
-- A capture or void in doubt keeps its claim (`pending_operation`), so no second call reaches the
-- provider; `operation_reconcile_after` says when the reconciler may ask next (set when the call
-- ended in doubt, pushed forward by each claim, so two server instances never ask at once).
ALTER TABLE payments ADD COLUMN operation_reconcile_after timestamptz;
ALTER TABLE payments ADD COLUMN operation_reconcile_attempts integer NOT NULL DEFAULT 0;
CREATE INDEX payments_operation_in_doubt ON payments (pending_operation_at) WHERE pending_operation IS NOT NULL;

-- A refund in doubt stays `pending` with its amount reserved until the reconciler finds it at the
-- provider (succeeded) or is sure the provider never made it (failed, the amount given back).
ALTER TABLE refunds ADD COLUMN reconcile_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN reconcile_after timestamptz;
CREATE INDEX refunds_pending ON refunds (created_at) WHERE status = 'pending';
-- One provider refund is one of ours at most: the reconciler matches a refund it finds at the
-- provider to a pending one by amount, and this makes two matches of the same record impossible.
CREATE UNIQUE INDEX refunds_provider_reference ON refunds (payment_id, provider_reference) WHERE provider_reference IS NOT NULL;
