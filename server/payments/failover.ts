/**
 * Card routing with failover: when the provider a card payment goes to fails for a technical
 * reason *before it could have processed anything* — a refused connection, a DNS failure, an
 * HTTP 503 (`failedBeforeProcessing` in ../providers/types.ts) — the same payment goes to the
 * next provider in the merchant's card routing (`PAYKIT_CARD_ROUTING`) that takes cards in its
 * currency. Nothing else ever moves: a decline is the buyer's bank speaking (another provider
 * would only ask the same bank again), and an answer in doubt (timeout, reset, 500/502/504) may
 * have charged, so it stays `processing` for the reconciler.
 *
 * The payment keeps its id; `provider` becomes the one that charged, `failed_over_from` the
 * first one, and a `payment_events` row (source `failover`) records each hop with the reason.
 * The hop is a conditional UPDATE (still `processing`, still at the provider that failed, no
 * reference yet), so it can never race a webhook or the reconciler into two charges.
 */
import type { ProviderName } from '../../contract/api.ts';
import { failedBeforeProcessing, type ChargeRequest, type ProviderOutcome } from '../providers/types.ts';
import { adapterFor, webhookUrl, type Deps } from './service.ts';

/** `PAYKIT_CARD_ROUTING`: providers in order (`pepper,payagency`); empty: no failover. Throws on an unknown name. */
export function parseCardRouting(value: string | undefined, known: readonly string[]): ProviderName[] {
  const names = (value ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.find((name) => !known.includes(name));
  if (unknown) throw new Error(`PAYKIT_CARD_ROUTING names ${unknown}, which is not a provider (${known.join(', ')})`);
  return [...new Set(names)] as ProviderName[];
}

/** The next provider in the routing after those tried that can take this charge as it is, if any. */
export function nextCardProvider(deps: Deps, request: ChargeRequest, tried: readonly string[]): ProviderName | null {
  const routing = deps.config.cardRouting ?? [];
  // Only a routing the merchant configured, and that includes where the payment started.
  if (!routing.includes(tried[0] as ProviderName)) return null;
  const method = request.method;
  if (method.type !== 'card') return null;
  for (const name of routing) {
    if (tried.includes(name)) continue;
    const adapter = deps.adapters[name];
    if (!adapter) continue;
    if (!adapter.methods(request.currency).includes('card')) continue;
    if (request.amount > adapter.maxAmount(request.currency)) continue;
    if (method.installments > adapter.maxInstallments) continue;
    if (request.captureMethod === 'manual' && !adapter.manualCapture) continue;
    return name;
  }
  return null;
}

/**
 * Charges at the payment's provider, then, while it failed before processing, at the next one.
 * Cards only, and not when the charge depends on the first provider: a surcharge it computed,
 * or a card to save in its vault.
 */
export async function chargeWithFailover(deps: Deps, provider: string, request: ChargeRequest): Promise<ProviderOutcome> {
  let outcome = await adapterFor(deps, provider).charge(request);
  const movable = request.method.type === 'card' && request.surcharge === 0 && !request.saveCard;
  const tried = [provider];
  while (movable && failedBeforeProcessing(outcome)) {
    const next = nextCardProvider(deps, request, tried);
    if (!next) break;
    const from = tried.at(-1)!;
    const moved = await deps.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `UPDATE payments SET provider = $2, failed_over_from = COALESCE(failed_over_from, $3), updated_at = now()
          WHERE id = $1 AND status = 'processing' AND provider = $3 AND provider_reference IS NULL RETURNING id`,
        [request.paymentId, next, from],
      );
      if (!rows[0]) return false;
      await tx.query(
        `INSERT INTO payment_events (payment_id, from_status, to_status, source, detail) VALUES ($1, 'processing', 'processing', 'failover', $2::jsonb)`,
        [request.paymentId, JSON.stringify({ from_provider: from, to_provider: next, provider_status: outcome.providerStatus.slice(0, 100) })],
      );
      return true;
    });
    if (!moved) break;
    deps.log.warn('card payment failed over to the next provider', {
      payment_id: request.paymentId,
      from_provider: from,
      to_provider: next,
      provider_status: outcome.providerStatus,
    });
    tried.push(next);
    outcome = await adapterFor(deps, next).charge({ ...request, webhookUrl: webhookUrl(deps.config, next, request.paymentId) });
  }
  return outcome;
}
