/**
 * `npm test` must find or provision a browser by itself on a fresh machine: these check the finder
 * against fake file systems and the install plan for each kind of user.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHROMIUM_ARGS, findChromium, provisionPlan } from '../../scripts/browser.ts';

const only = (...files: string[]) => (file: string) => files.includes(file);

describe('findChromium', () => {
  test('CHROME_PATH wins over every other location when it exists', () => {
    const exists = only('/opt/chrome/chrome', '/usr/bin/chromium', '/usr/local/bin/chromium');
    assert.equal(findChromium({ CHROME_PATH: '/opt/chrome/chrome', PATH: '/usr/local/bin' }, exists), '/opt/chrome/chrome');
  });

  test('a CHROME_PATH that does not exist falls back to the usual locations', () => {
    assert.equal(findChromium({ CHROME_PATH: '/nope/chrome' }, only('/usr/bin/chromium')), '/usr/bin/chromium');
  });

  test('well-known locations are tried in order: chromium, chromium-browser, google-chrome, google-chrome-stable', () => {
    const all = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
    for (let i = 0; i < all.length; i++) {
      assert.equal(findChromium({}, only(...all.slice(i))), all[i]);
    }
  });

  test('looks the names up on PATH, directories in PATH order', () => {
    const exists = only('/home/me/bin/google-chrome', '/snap/bin/chromium');
    assert.equal(findChromium({ PATH: '/usr/local/bin:/snap/bin:/home/me/bin' }, exists), '/snap/bin/chromium');
    assert.equal(findChromium({ PATH: '/usr/local/bin:/home/me/bin' }, exists), '/home/me/bin/google-chrome');
  });

  test('a well-known location wins over PATH', () => {
    const exists = only('/snap/bin/chromium', '/usr/bin/google-chrome-stable');
    assert.equal(findChromium({ PATH: '/snap/bin' }, exists), '/usr/bin/google-chrome-stable');
  });

  test('returns null when there is no browser anywhere', () => {
    assert.equal(findChromium({ PATH: '/usr/local/bin:/usr/bin:/bin', CHROME_PATH: '' }, () => false), null);
    assert.equal(findChromium({}, () => false), null);
  });
});

describe('provisionPlan', () => {
  test('as root: apt-get update, then a non-interactive install of chromium without recommends', () => {
    const plan = provisionPlan({ isRoot: true, hasSudo: false });
    assert.ok(plan);
    assert.equal(plan.length, 2);
    const [update, install] = plan;
    assert.equal(update?.[0], 'apt-get');
    assert.equal(update?.at(-1), 'update');
    assert.deepEqual(install?.slice(0, 3), ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get']);
    for (const flag of ['install', '-y', '--no-install-recommends', 'chromium']) {
      assert.ok(install?.includes(flag), `install command has ${flag}`);
    }
    assert.ok(!plan.flat().includes('sudo'), 'root needs no sudo');
  });

  test('not root but with passwordless sudo: the same commands through sudo -n', () => {
    const asRoot = provisionPlan({ isRoot: true, hasSudo: true });
    const viaSudo = provisionPlan({ isRoot: false, hasSudo: true });
    assert.ok(asRoot && viaSudo);
    assert.deepEqual(
      viaSudo,
      asRoot.map((argv) => ['sudo', '-n', ...argv]),
    );
  });

  test('without root, sudo or apt-get there is no plan, so ensureChromium tells the person what to install', () => {
    assert.equal(provisionPlan({ isRoot: false, hasSudo: false }), null);
    assert.equal(provisionPlan({ isRoot: true, hasSudo: false, hasApt: false }), null);
  });
});

test('the shared launch arguments run Chromium headless without a sandbox', () => {
  for (const arg of ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']) {
    assert.ok(CHROMIUM_ARGS.includes(arg), arg);
  }
});
