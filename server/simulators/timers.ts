/**
 * The sandboxes' delayed work (settling, expiring, retrying webhooks): `later(fn, ms)` runs fn
 * once unless `close()` came first; timers never keep the process alive.
 */
export interface Timers {
  later(fn: () => void, ms: number): void;
  readonly closed: boolean;
  close(): void;
}

export function createTimers(): Timers {
  const pending = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;
  return {
    later(fn, ms) {
      if (closed) return;
      const timer = setTimeout(() => {
        pending.delete(timer);
        if (!closed) fn();
      }, Math.max(0, ms));
      timer.unref?.();
      pending.add(timer);
    },
    get closed() {
      return closed;
    },
    close() {
      closed = true;
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    },
  };
}
