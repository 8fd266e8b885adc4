/**
 * Calls `check` every `intervalMs` until it returns a value, the time is up or `signal` aborts.
 * Returns that value, or undefined when it gave up. Errors thrown by `check` count as "not yet".
 */
export interface PollOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

export async function poll<T>(check: () => Promise<T | undefined>, options: PollOptions): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  while (!options.signal?.aborted && Date.now() < deadline) {
    await sleep(options.intervalMs, options.signal);
    if (options.signal?.aborted) break;
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch {
      // A failed poll is retried on the next tick.
    }
  }
  return undefined;
}
