/**
 * A short scheduler slice for the payment server: `node --import tsx scripts/slice.ts PID [0.1ms]`
 * (a deployment's unit runs it after starting the API; the soak's `--slice` does the same).
 *
 * Linux's fair scheduler (EEVDF, since 6.6) gives each runnable thread a slice, by default
 * 0.7 ms times 1 + log2(cores) (1.4 ms on two cores), and a virtual deadline one slice ahead. Since
 * 6.12 a thread may ask for its own slice, 0.1 to 100 ms (`sched_setattr` with `sched_runtime`,
 * SCHED_OTHER): a shorter one brings its deadline nearer, so when it wakes (an answer arrived
 * from PostgreSQL or the provider) it runs before a thread that has been running for a while,
 * instead of waiting for that thread's slice to end. It is not a priority: the thread still gets
 * its fair share and no more, in shorter pieces.
 *
 * Node has no system call interface, so this asks perl (part of every Debian and most Linux
 * installs), with the x86-64 or arm64 call numbers. It sets every thread of each process and
 * reads the slice back: a kernel before 6.12 accepts the call and ignores the slice, and the
 * caller is told how many threads took it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CALLS: Partial<Record<NodeJS.Architecture, [set: number, get: number]>> = { x64: [314, 315], arm64: [274, 275] };

// struct sched_attr, first version (48 bytes): size, policy, flags, nice, priority, runtime, deadline, period.
const SCRIPT = `
my ($set, $get, $ns) = splice(@ARGV, 0, 3);
my ($asked, $took) = (0, 0);
for my $pid (@ARGV) {
  opendir(my $d, "/proc/$pid/task") or next;
  for my $t (grep { /^\\d+$/ } readdir $d) {
    $asked++;
    my $nice = getpriority(0, $t);
    next unless syscall($set, $t + 0, pack('LLQlLQQQ', 48, 0, 0, $nice, 0, $ns, 0, 0), 0) == 0;
    my $back = "\\0" x 48;
    next unless syscall($get, $t + 0, $back, 48, 0) == 0;
    $took++ if (unpack('LLQlLQQQ', $back))[5] == $ns;
  }
}
print "$asked $took\\n";
`;

/** A slice as written on a command line, `0.1ms` to `100ms`, in nanoseconds; null when it is not one. */
export function parseSlice(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)ms$/.exec(text);
  const ns = match ? Math.round(Number(match[1]) * 1e6) : NaN;
  return ns >= 100_000 && ns <= 100_000_000 ? ns : null;
}

/** Gives every thread of `pids` a slice of `ns` nanoseconds; how many threads there were, and how many took it. */
export function setSlice(pids: number[], ns: number): { threads: number; took: number } {
  const calls = CALLS[process.arch];
  if (process.platform !== 'linux' || !calls || pids.length === 0) return { threads: 0, took: 0 };
  const run = spawnSync('perl', ['-e', SCRIPT, String(calls[0]), String(calls[1]), String(ns), ...pids.map(String)], { encoding: 'utf8' });
  const [threads, took] = (run.stdout ?? '').trim().split(' ').map(Number);
  return { threads: threads || 0, took: took || 0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [pid, length = '0.1ms'] = process.argv.slice(2);
  const ns = parseSlice(length);
  if (!pid || !/^\d+$/.test(pid) || ns === null) {
    console.error('usage: node --import tsx scripts/slice.ts PID [0.1ms to 100ms]');
    process.exit(2);
  }
  const { threads, took } = setSlice([Number(pid)], ns);
  console.log(`${took} of ${threads} threads of ${pid} now have a ${ns / 1e6} ms slice`);
  // Not an error for the service: the kernel's default slice is what it had before.
  if (threads && !took) console.log('the kernel did not take it (Linux before 6.12, or perl missing): the default slice stays');
}
