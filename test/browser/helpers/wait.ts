/** Resolves once `check` returns something truthy (polled every frame), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | null | undefined | false, what: string, timeoutMs = 3000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

export const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));
