/**
 * The metadata a payment is enriched with in Pagos (pagos-enrichment.txt, "Metadata"): the
 * merchant's own labels, and what only the checkout knows, under `paykit_` names.
 *
 * - The merchant's labels are the session's `metadata` (set when the checkout was created), then
 *   the ones added later through `POST /v1/payments/:id/enrichment`, which win on a clash.
 * - Paykit's keys start with `paykit_` (the merchant API refuses that prefix), so neither can
 *   overwrite the other; a session metadata key starting with `paykit_` is overwritten by ours.
 * - The body is the payment's whole metadata every time: Pagos merges records key by key, later
 *   ones winning, so a resend or a late record can only repeat what is true now.
 * - Nothing personal: no names, emails, IPs, user agents or card digits; the attempt number and
 *   method come from the server's own records, the rest from the widget (contract/api.ts
 *   `checkoutTelemetrySchema`).
 */
import type { PaymentRow, SessionRow } from '../payments/rows.ts';

export type MetadataValue = string | number | boolean;

/** The label Pagos's doc suggests for retries: First Attempt, Retry, Second Retry, … */
export function attemptLabel(attempt: number): string {
  const ordinals = ['First attempt', 'Retry', 'Second retry', 'Third retry', 'Fourth retry', 'Fifth retry'];
  return ordinals[attempt - 1] ?? `Retry ${attempt - 1}`;
}

/** The abandonment belongs to the session's last payment, when the buyer left after it. */
function abandonment(payment: PaymentRow, session: SessionRow, isLatest: boolean): Record<string, MetadataValue> {
  if (!isLatest || !session.abandoned_step || !session.abandoned_at) return {};
  // Left, then paid anyway (a PIX paid from the bank app, a payment that was still processing).
  if (payment.status === 'succeeded' || payment.status === 'requires_capture') return {};
  if (new Date(session.abandoned_at).getTime() < new Date(payment.created_at).getTime()) return {};
  return { paykit_abandoned_step: session.abandoned_step };
}

export function enrichmentMetadata(
  payment: PaymentRow,
  session: SessionRow,
  isLatest = true,
): Record<string, MetadataValue> {
  const telemetry = payment.telemetry ?? {};
  return {
    ...session.metadata,
    ...payment.enrichment,
    paykit_attempt: payment.attempt,
    paykit_attempt_label: attemptLabel(payment.attempt),
    paykit_payment_method: payment.method,
    paykit_provider: payment.provider,
    paykit_status: payment.status,
    ...(payment.error_code ? { paykit_error_code: payment.error_code } : {}),
    ...(telemetry.locale ? { paykit_locale: telemetry.locale } : {}),
    ...(telemetry.device_class ? { paykit_device_class: telemetry.device_class } : {}),
    ...(telemetry.ready_to_submit_ms !== undefined ? { paykit_ready_to_submit_ms: telemetry.ready_to_submit_ms } : {}),
    paykit_channel: session.invoice_id ? 'hosted_invoice' : 'checkout',
    ...abandonment(payment, session, isLatest),
  };
}
