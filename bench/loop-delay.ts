/**
 * A soak server's event-loop delay (what a buyer's request waits before it is even looked at),
 * told to bench/soak.ts over the IPC channel: 'reset' at the end of the warm-up, 'loop-delay'
 * for p50 / p99 / max in ms.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function answerLoopDelay(): void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (message) => {
    if (message === 'reset') delay.reset();
    if (message === 'loop-delay') {
      const ms = (ns: number) => ns / 1e6;
      process.send!({ loopDelay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) } });
    }
  });
}
