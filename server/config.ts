/**
 * Server configuration, from the environment. Provider credentials live only here (DESIGN.md).
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | PORT | payment server port | 4242 |
 * | PAYKIT_PUBLIC_URL | the payment server's public origin (widget.js, frame, return and webhook URLs) | http://localhost:PORT |
 * | PAYKIT_SECRET | server secret for client secrets and webhook/return tokens (≥ 32 chars) | generated into PAYKIT_DATA_DIR/server-secret in embedded mode |
 * | DATABASE_URL | postgres://… for a PostgreSQL server | embedded PGlite |
 * | PAYKIT_DATA_DIR | folder for the embedded database and local secrets | .paykit |
 * | PAYKIT_ALLOWED_ORIGINS | comma-separated origins allowed for the dev merchant's publishable key | the demo's origin |
 * | PAYKIT_TRUST_PROXY | `1` to take the buyer IP from X-Forwarded-For | off |
 * | PAYAGENCY_BASE_URL / PAYAGENCY_SECRET_KEY / PAYAGENCY_MODE | PayAgency credentials | the sandbox simulator |
 * | PAGOU_BASE_URL / PAGOU_TOKEN | Pagou credentials (PIX and Brazilian cards) | the sandbox simulator |
 * | PEPPER_BASE_URL / PEPPER_API_KEY | Pepper gateway credentials (US cards, ACH, APMs, saved cards, surcharges); the private `api_…` key | the sandbox simulator |
 * | PAGOS_BASE_URL / PAGOS_API_KEY | Pagos (analytics): every payment exported, with the checkout's metadata; one base URL for both APIs | the sandbox simulator |
 * | PAGOS_EXPORT | `off` to export nothing (payments still queue, and go once it is on again) | on |
 * | PAYKIT_WORKER | `off`: this process runs no outbox worker (run `server/worker.ts` beside it; PostgreSQL only) | on |
 * | PAYKIT_CARD_ROUTING | card providers in failover order, e.g. `payagency,pepper`: a card payment whose provider fails before processing (refused connection, DNS, 503) goes to the next one that takes its currency | none (no failover) |
 * | LOG_LEVEL | debug, info, warn, error | info |
 * | PAYKIT_RATE_LIMIT_… / PAYKIT_SESSION_MAX_DECLINES | rate limits and the session lock: server/abuse/limits.ts | see there |
 */
import type { Level } from './log.ts';
import type { PagosConfig } from './pagos/export.ts';
import type { AbuseLimits } from './abuse/limits.ts';
import type { ProviderName } from '../contract/api.ts';

export interface ProviderConfig {
  baseUrl: string;
  secretKey: string;
  mode: 'test' | 'live';
}

export interface ServerConfig {
  publicUrl: string;
  serverSecret: string;
  trustProxy: boolean;
  /** Session lifetime. */
  sessionTtlMs: number;
  /** How long the return route waits for a webhook to settle a redirected payment. */
  returnWaitMs: number;
  /** Where the widget bundles are (dist/widget). */
  assetsDir: string;
  providers: { payagency: ProviderConfig; pagou: { baseUrl: string; token: string }; pepper: { baseUrl: string; apiKey: string } };
  /** An IPv4 address to send when the buyer's address is IPv6 and the provider takes IPv4 only. */
  ipv4Fallback: string;
  logLevel: Level;
  /** Where payments are exported for analytics; null: not exported (they wait in the outbox). */
  pagos: PagosConfig | null;
  /** Rate limits and the session lock (server/abuse/limits.ts); the defaults when absent. */
  limits?: AbuseLimits;
  /** Card providers in failover order (server/payments/failover.ts); empty or absent: no failover. */
  cardRouting?: readonly ProviderName[];
}

export function assertServerSecret(secret: string): string {
  if (secret.length < 32) throw new Error('PAYKIT_SECRET must be at least 32 characters');
  return secret;
}
