/**
 * `npm test`: builds the widget, then runs the unit, server, browser-component and end-to-end
 * tests in that order, stopping at the first step that fails, and ends with one line
 * `N passed, N failed[, N skipped]` counted across all steps.
 *
 *   npm test                      every step
 *   npm test -- unit server       only those steps (build runs first when server/browser/e2e is picked)
 *   PAYKIT_TEST_SKIP=browser npm test    every step but those named (comma-separated)
 *
 * DATABASE_URL is passed through unchanged: unset means the embedded PGlite, a postgres:// URL
 * means that server (see scripts/with-postgres.sh).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, ensureChromium } from './browser.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STEPS = ['build', 'unit', 'server', 'browser', 'e2e'] as const;
type StepName = (typeof STEPS)[number];
const SELECTABLE: readonly StepName[] = ['unit', 'server', 'browser', 'e2e'];
/** The longest a single node test may run before it is cancelled, so a hang cannot eat CI's time. */
const TEST_TIMEOUT_MS = 5 * 60_000;

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

interface StepResult {
  name: StepName;
  outcome: 'passed' | 'failed' | 'skipped' | 'not run';
  counts?: Counts;
  note?: string;
  seconds?: number;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function header(title: string): void {
  console.log(`\n${'='.repeat(4)} ${title} ${'='.repeat(Math.max(4, 90 - title.length))}`);
}

/** Every `*.test.ts` below `dir` (relative to the repo), sorted; none when the folder is absent. */
export function collectTestFiles(dir: string): string[] {
  const absolute = path.join(ROOT, dir);
  if (!fs.existsSync(absolute)) return [];
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(path.relative(ROOT, full));
    }
  };
  walk(absolute);
  return found.sort();
}

/** The last `# pass N` / `# fail N` / … summary of a node TAP report. */
export function parseTapSummary(tap: string): Counts | null {
  const last = (key: string): number | null => {
    const matches = [...tap.matchAll(new RegExp(`^# ${key} (\\d+)\\s*$`, 'gm'))];
    const value = matches.at(-1)?.[1];
    return value === undefined ? null : Number(value);
  };
  const passed = last('pass');
  const failed = last('fail');
  if (passed === null || failed === null) return null;
  return {
    passed,
    failed: failed + (last('cancelled') ?? 0),
    skipped: (last('skipped') ?? 0) + (last('todo') ?? 0),
  };
}

/**
 * Test counts from web-test-runner's output: the last progress line of each browser,
 * `Chromium: |████| 3/3 test files | 12 passed, 0 failed, 1 skipped`.
 */
export function parseWtrSummary(output: string): Counts | null {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  const perBrowser = new Map<string, Counts>();
  for (const match of plain.matchAll(/^(.+?):\s.*?test files \| (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/gm)) {
    const [, browser = '', passed = '0', failed = '0', skipped = '0'] = match;
    perBrowser.set(browser.trim(), { passed: Number(passed), failed: Number(failed), skipped: Number(skipped) });
  }
  if (perBrowser.size === 0) return null;
  return sum([...perBrowser.values()]);
}

function sum(all: Counts[]): Counts {
  return all.reduce((total, c) => ({ passed: total.passed + c.passed, failed: total.failed + c.failed, skipped: total.skipped + c.skipped }), {
    passed: 0,
    failed: 0,
    skipped: 0,
  });
}

export function formatCounts({ passed, failed, skipped }: Counts): string {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

const running = new Set<ChildProcess>();

/** Runs a command with the console attached; with `tee`, also returns what it printed. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, tee = false): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: tee ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'] });
    running.add(child);
    child.on('exit', () => running.delete(child));
    let output = '';
    if (tee) {
      // Off a terminal (CI logs), drop the cursor movements wtr still prints to redraw its progress.
      const clean = (text: string) => (process.stdout.isTTY ? text : text.replace(/\u001b\[(?:\d*[AK]|G)/g, ''));
      child.stdout?.setEncoding('utf8');
      child.stderr?.setEncoding('utf8');
      child.stdout?.on('data', (text: string) => {
        process.stdout.write(clean(text));
        output += text;
      });
      child.stderr?.on('data', (text: string) => {
        process.stderr.write(clean(text));
        output += text;
      });
    }
    child.on('error', (error) => {
      console.error(`${command}: ${error.message}`);
      resolve({ code: 127, output });
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** wtr's output goes through a pipe: keep its colors only when our own console shows them. */
function colorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, NO_COLOR: _no, ...rest } = env;
  return process.stdout.isTTY ? { ...rest, FORCE_COLOR: '1' } : { ...rest, NO_COLOR: '1' };
}

function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

// ---------------------------------------------------------------------------------------------
// The steps

let tmpDir = '';
let chromePath: string | undefined;

async function browserEnv(): Promise<NodeJS.ProcessEnv> {
  chromePath ??= await ensureChromium();
  return { ...process.env, CHROME_PATH: chromePath, CHROMIUM_ARGS: CHROMIUM_ARGS.join(' ') };
}

/** A step's result when the command failed without a countable test failure. */
function failedRun(name: StepName, code: number, counts: Counts | null, what: string): StepResult {
  const base = counts ?? { passed: 0, failed: 0, skipped: 0 };
  if (base.failed > 0) return { name, outcome: 'failed', counts: base };
  // The command failed but reported no failing test (crash, config error…): count it as one failure.
  return { name, outcome: 'failed', counts: { ...base, failed: 1 }, note: `${what} exited with code ${code}; counted as 1 failure` };
}

async function nodeTests(name: StepName, dir: string, env: NodeJS.ProcessEnv): Promise<StepResult> {
  const files = collectTestFiles(dir);
  if (files.length === 0) return { name, outcome: 'skipped', note: `no ${dir}/**/*.test.ts files` };
  const tapFile = path.join(tmpDir, `${name}.tap`);
  const args = [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ];
  console.log(`node --test ${files.join(' ')}`);
  const { code } = await run(process.execPath, args, env);
  const counts = fs.existsSync(tapFile) ? parseTapSummary(fs.readFileSync(tapFile, 'utf8')) : null;
  if (code !== 0) return failedRun(name, code, counts, 'node --test');
  if (!counts) return { name, outcome: 'passed', note: 'no TAP summary found' };
  return { name, outcome: 'passed', counts };
}

const runners: Record<StepName, () => Promise<StepResult>> = {
  async build() {
    if (!fs.existsSync(path.join(ROOT, 'scripts/build.ts'))) {
      console.warn('WARNING: scripts/build.ts does not exist yet; skipping the build.');
      return { name: 'build', outcome: 'skipped', note: 'scripts/build.ts missing' };
    }
    const { code } = await run('npm', ['run', '--silent', 'build'], process.env);
    return code === 0 ? { name: 'build', outcome: 'passed' } : { name: 'build', outcome: 'failed', note: `npm run build exited with code ${code}` };
  },

  unit: () => nodeTests('unit', 'test/unit', process.env),

  server: () => nodeTests('server', 'test/server', process.env),

  async browser() {
    const config = 'web-test-runner.config.mjs';
    if (!fs.existsSync(path.join(ROOT, config))) {
      console.warn(`WARNING: ${config} does not exist yet; skipping the browser component tests.`);
      return { name: 'browser', outcome: 'skipped', note: `${config} missing` };
    }
    const env = await browserEnv();
    const bin = path.join(ROOT, 'node_modules/.bin/web-test-runner');
    const [command, args] = fs.existsSync(bin) ? [bin, []] : ['npx', ['--no-install', 'web-test-runner']];
    const { code, output } = await run(command, [...args, '--config', config, '--static-logging'], colorEnv(env), true);
    const counts = parseWtrSummary(output);
    if (code !== 0) return failedRun('browser', code, counts, 'web-test-runner');
    return { name: 'browser', outcome: 'passed', ...(counts ? { counts } : { note: 'no test counts found in its output' }) };
  },

  async e2e() {
    if (collectTestFiles('test/e2e').length === 0) return { name: 'e2e', outcome: 'skipped', note: 'no test/e2e/**/*.test.ts files' };
    return nodeTests('e2e', 'test/e2e', await browserEnv());
  },
};

// ---------------------------------------------------------------------------------------------
// Main

function usage(): never {
  console.error(`usage: npm test [-- ${SELECTABLE.join('|')} …]   (PAYKIT_TEST_SKIP=browser,… skips steps)`);
  process.exit(2);
}

function plannedSteps(argv: string[]): StepName[] {
  const picked = new Set<StepName>();
  for (const arg of argv) {
    if (!(SELECTABLE as readonly string[]).includes(arg)) usage();
    picked.add(arg as StepName);
  }
  const skip = new Set((process.env.PAYKIT_TEST_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  for (const name of skip) {
    if (!(STEPS as readonly string[]).includes(name)) {
      console.error(`PAYKIT_TEST_SKIP: unknown step "${name}" (steps: ${STEPS.join(', ')})`);
      process.exit(2);
    }
  }
  const wanted = (name: StepName) =>
    picked.size === 0 ||
    picked.has(name) ||
    // The widget bundle is what the server serves and the browsers load.
    (name === 'build' && (picked.has('server') || picked.has('browser') || picked.has('e2e')));
  return STEPS.filter((name) => wanted(name) && !skip.has(name));
}

async function main(): Promise<number> {
  const steps = plannedSteps(process.argv.slice(2));
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paykit-test-'));
  const skippedByEnv = STEPS.filter((name) => (process.env.PAYKIT_TEST_SKIP ?? '').split(',').map((s) => s.trim()).includes(name));
  const database = process.env.DATABASE_URL ? `PostgreSQL at ${redactUrl(process.env.DATABASE_URL)}` : 'embedded PGlite';
  console.log(`Paykit tests: ${steps.join(', ') || '(nothing)'} · database: ${database} · Node ${process.version}`);

  const results: StepResult[] = skippedByEnv.map((name) => ({ name, outcome: 'skipped', note: 'PAYKIT_TEST_SKIP' }));
  let failed = false;
  for (const [index, name] of steps.entries()) {
    if (failed) {
      results.push({ name, outcome: 'not run', note: 'an earlier step failed' });
      continue;
    }
    header(`[${index + 1}/${steps.length}] ${name}`);
    const started = Date.now();
    let result: StepResult;
    try {
      result = await runners[name]();
    } catch (error) {
      console.error((error as Error).message);
      result = { name, outcome: 'failed', counts: { passed: 0, failed: 1, skipped: 0 }, note: (error as Error).message.split('\n')[0] };
    }
    result.seconds = (Date.now() - started) / 1000;
    results.push(result);
    if (result.outcome === 'failed') failed = true;
  }

  header('Summary');
  const ordered = STEPS.flatMap((name) => results.filter((r) => r.name === name));
  for (const r of ordered) {
    const parts = [r.name.padEnd(8), r.outcome.padEnd(8)];
    if (r.counts) parts.push(formatCounts(r.counts));
    if (r.seconds !== undefined) parts.push(`${r.seconds.toFixed(1)} s`);
    if (r.note) parts.push(`(${r.note})`);
    console.log(`  ${parts.join('  ')}`);
  }
  const total = sum(ordered.flatMap((r) => (r.counts ? [r.counts] : [])));
  console.log(formatCounts(total));
  return failed || total.failed > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Ctrl-C reaches the running step too; tidy up and stop.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of running) child.kill(signal);
      if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  main()
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => {
      if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
    });
}
