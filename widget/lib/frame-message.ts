/**
 * A hand-written check of frame → host messages for the host script, mirroring
 * `frameMessageSchema` in contract/messages.ts (test/unit/frame-message.test.ts holds the two
 * against each other). zod/mini would cost the 8 KB host budget several KB for eight shapes.
 * Like zod's objects, it returns a fresh object with only the known keys.
 */
import { MESSAGE_SOURCE, MESSAGE_VERSION } from '../../contract/messages-core.ts';
import type { FrameMessage } from '../../contract/messages.ts';

type Data = Record<string, unknown>;

const isObject = (value: unknown): value is Data => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown, max = Infinity): value is string => typeof value === 'string' && value.length <= max;
const bool = (value: unknown): value is boolean => typeof value === 'boolean';
const nullableStr = (value: unknown, max?: number): value is string | null => value === null || str(value, max);

function body(data: Data): Record<string, unknown> | null {
  switch (data.type) {
    case 'loaded':
      return {};
    case 'ready': {
      const s = data.session;
      return isObject(s) && str(s.id) && Number.isSafeInteger(s.amount) && str(s.currency) && str(s.status)
        ? { session: { id: s.id, amount: s.amount, currency: s.currency, status: s.status } }
        : null;
    }
    case 'resize': {
      const h = data.height;
      return typeof h === 'number' && h >= 0 && h <= 10000 ? { height: h } : null;
    }
    case 'change':
      return bool(data.complete) && bool(data.empty) && nullableStr(data.brand, 40)
        ? { complete: data.complete, empty: data.empty, brand: data.brand }
        : null;
    case 'processing':
      return str(data.paymentId) ? { paymentId: data.paymentId } : null;
    case 'success':
      return str(data.paymentId) && str(data.status) ? { paymentId: data.paymentId, status: data.status } : null;
    case 'failure':
      return str(data.code, 100) && str(data.message, 500) && nullableStr(data.paymentId)
        ? { code: data.code, message: data.message, paymentId: data.paymentId }
        : null;
    case 'redirect':
      return str(data.url, 4096) && /^https?:\/\//.test(data.url) && str(data.paymentId)
        ? { url: data.url, paymentId: data.paymentId }
        : null;
    default:
      return null;
  }
}

/** The message if `data` is a well-formed frame message of this version, else null. */
export function parseFrameMessage(data: unknown): FrameMessage | null {
  if (!isObject(data) || data.source !== MESSAGE_SOURCE || data.v !== MESSAGE_VERSION) return null;
  const rest = body(data);
  return rest ? ({ source: MESSAGE_SOURCE, v: MESSAGE_VERSION, type: data.type, ...rest } as FrameMessage) : null;
}
