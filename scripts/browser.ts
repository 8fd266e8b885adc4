/**
 * Finds a Chromium for the browser and end-to-end tests, and installs one when the machine has
 * none, so `npm test` works on a fresh Debian machine with nothing installed by hand.
 *
 * Playwright's and Puppeteer's browser downloads cannot work here (no internet besides the npm
 * registry and Debian's packages), so the tests drive the distribution's `chromium` package.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Launch arguments shared by web-test-runner and the end-to-end tests. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Well-known install locations, tried in this order after CHROME_PATH. */
export const CHROMIUM_LOCATIONS: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** Executable names looked up on PATH when no well-known location exists. */
export const CHROMIUM_NAMES: readonly string[] = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The Debian packages that provide a headless-capable Chromium and a font for it to render text. */
export const CHROMIUM_PACKAGES: readonly string[] = ['chromium', 'fonts-liberation'];

type Env = Record<string, string | undefined>;

/**
 * The Chromium binary to use: CHROME_PATH if it is set and exists, else the first existing
 * well-known location, else the first match on PATH; null when there is none.
 */
export function findChromium(env: Env = process.env, exists: (file: string) => boolean = fs.existsSync): string | null {
  const fromEnv = env.CHROME_PATH?.trim();
  if (fromEnv && exists(fromEnv)) return fromEnv;
  for (const location of CHROMIUM_LOCATIONS) {
    if (exists(location)) return location;
  }
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  for (const name of CHROMIUM_NAMES) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (exists(candidate)) return candidate;
    }
  }
  return null;
}

export interface ProvisionContext {
  isRoot: boolean;
  /** `sudo -n true` succeeds: sudo is installed and needs no password. */
  hasSudo: boolean;
  /** apt-get is on this machine (Debian or Ubuntu). Defaults to true. */
  hasApt?: boolean;
}

/**
 * The commands (argv arrays, run in order) that install Chromium on this machine, or null when
 * this process cannot install it and a person has to.
 */
export function provisionPlan({ isRoot, hasSudo, hasApt = true }: ProvisionContext): string[][] | null {
  if (!hasApt || (!isRoot && !hasSudo)) return null;
  const prefix = isRoot ? [] : ['sudo', '-n'];
  // Wait for the dpkg lock instead of failing when another apt run (or another `npm test`) holds it.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
  return [
    [...prefix, 'apt-get', ...lockWait, 'update'],
    [
      ...prefix,
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      ...lockWait,
      'install',
      '-y',
      '--no-install-recommends',
      ...CHROMIUM_PACKAGES,
    ],
  ];
}

/** What a person has to do when no Chromium exists and this process cannot install one. */
export const INSTALL_HINT =
  'No Chromium found. Install it (Debian/Ubuntu: `sudo apt-get install -y --no-install-recommends chromium fonts-liberation`) ' +
  'or set CHROME_PATH to a Chrome or Chromium binary, then run the tests again.';

function succeeds(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  return result.status === 0;
}

function chromiumVersion(binary: string): string | null {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** Runs one command, keeping its output to show only if it fails. */
function run(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => reject(new Error(`${argv.join(' ')}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${argv.join(' ')} exited with ${signal ?? code}\n${output}`));
    });
  });
}

function describe(binary: string): string {
  const version = chromiumVersion(binary);
  return version ? `${version} at ${binary}` : binary;
}

/**
 * The Chromium binary to use, installed with apt-get first when the machine has none (as root,
 * or through `sudo -n`). Prints one line saying what it found or installed; throws with what to
 * install when it can do neither.
 */
export async function ensureChromium(log: (line: string) => void = (line) => console.log(line)): Promise<string> {
  const configured = process.env.CHROME_PATH?.trim();
  if (configured && !fs.existsSync(configured)) {
    log(`CHROME_PATH=${configured} does not exist; looking for Chromium elsewhere.`);
  }
  const found = findChromium();
  if (found) {
    log(`Browser: using ${describe(found)}.`);
    return found;
  }

  const isRoot = process.getuid?.() === 0;
  const plan = provisionPlan({
    isRoot,
    hasSudo: !isRoot && succeeds('sudo', ['-n', 'true']),
    hasApt: succeeds('apt-get', ['--version']),
  });
  if (!plan) throw new Error(INSTALL_HINT);

  log(`Browser: no Chromium found; installing it (${plan.map((argv) => argv.join(' ')).join(' && ')}) …`);
  const started = Date.now();
  try {
    for (const argv of plan) await run(argv);
  } catch (error) {
    throw new Error(`Installing Chromium failed: ${(error as Error).message}\n${INSTALL_HINT}`);
  }
  const installed = findChromium();
  if (!installed) throw new Error(`apt-get finished but no Chromium binary appeared.\n${INSTALL_HINT}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  log(`Browser: installed ${describe(installed)} in ${seconds} s.`);
  return installed;
}

// `node --import tsx scripts/browser.ts` finds or installs Chromium and prints its path.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureChromium().then(
    (binary) => console.log(binary),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exitCode = 1;
    },
  );
}
