/**
 * Browser component tests in real Chromium: `npx web-test-runner` (CHROME_PATH set by
 * scripts/browser.ts, or e.g. CHROME_PATH=/usr/bin/chromium).
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { a11ySnapshotPlugin } from '@web/test-runner-commands/plugins';
import { stubApi } from './test/browser/support/stub-api.mjs';

const DEFAULT_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// card-validator (and credit-card-type under it) is CommonJS; browsers load ES modules. Serve
// each such module (the package, or one of its files, as widget/lib/card-validator.ts imports
// them) as one ES module bundled by esbuild, the compiler @web/dev-server-esbuild already uses,
// with the CommonJS module's own export names as named exports.
const esbuild = createRequire(import.meta.resolve('@web/dev-server-esbuild'))('esbuild');
const requireHere = createRequire(import.meta.url);
const CJS_PACKAGES = ['card-validator', 'credit-card-type'];
const isCommonJs = (source) => CJS_PACKAGES.some((name) => source === name || source.startsWith(`${name}/`));

/** @type {import('@web/dev-server-core').Plugin} */
const commonJsAsEsm = {
  name: 'paykit-commonjs-as-esm',
  resolveImport({ source }) {
    if (isCommonJs(source)) return `/__cjs__/${source}`;
  },
  async serve(context) {
    const source = /^\/__cjs__\/(.+)$/.exec(context.path)?.[1];
    if (!source || !isCommonJs(source)) return undefined;
    const names = Object.keys(requireHere(source)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default' && name !== '__esModule');
    const result = await esbuild.build({
      stdin: {
        contents: `const m = require('${source}');\nexport default m;\nexport const { ${names.join(', ')} } = m;`,
        resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      },
      bundle: true,
      format: 'esm',
      target: 'es2022',
      write: false,
    });
    return { body: result.outputFiles[0].text, type: 'js' };
  },
};

/**
 * Vite's `import.meta.glob('./dir/*.ts')` (lazy form), which esbuild leaves alone: rewritten into
 * `{ './dir/a.ts': () => import('./dir/a.ts'), … }` from the files really in that folder, as Vite
 * does at build time. Only what the widget uses: a relative folder and a `*` in the file name.
 */
const GLOB_CALL = /import\.meta\.glob(?:<[^(]*>)?\(\s*(['"])(\.{1,2}\/[^'"*]*?)([^'"/]*\*[^'"/]*)\1\s*\)/g;
let rootDir = process.cwd();

/** @type {import('@web/dev-server-core').Plugin} */
const importMetaGlob = {
  name: 'paykit-import-meta-glob',
  serverStart({ config }) {
    rootDir = config.rootDir;
  },
  transform(context) {
    if (!/\.(ts|js|mjs)$/.test(context.path) || typeof context.body !== 'string' || !context.body.includes('import.meta.glob')) return undefined;
    const here = dirname(join(rootDir, decodeURIComponent(context.path)));
    const body = context.body.replace(GLOB_CALL, (_call, _quote, folder, pattern) => {
      const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
      const matches = new RegExp(`^${escaped}$`);
      const names = readdirSync(join(here, folder)).filter((name) => matches.test(name)).sort();
      const entries = names.map((name) => {
        const path = posix.join(folder.replace(/\/$/, ''), name);
        const specifier = JSON.stringify(path.startsWith('.') ? path : `./${path}`);
        return `${specifier}: () => import(${specifier})`;
      });
      return `{ ${entries.join(', ')} }`;
    });
    return body === context.body ? undefined : { body };
  },
};

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  // One page at a time: focus and blur, which these tests are about, belong to the focused page.
  concurrency: 1,
  testsFinishTimeout: 120_000,
  testFramework: { config: { timeout: 10_000 } },
  middleware: [stubApi],
  // Lit's dev build announces itself once per page; its real warnings still come through.
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  plugins: [
    a11ySnapshotPlugin(),
    commonJsAsEsm,
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
    importMetaGlob,
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH,
        args: process.env.CHROMIUM_ARGS ? process.env.CHROMIUM_ARGS.split(/\s+/).filter(Boolean) : DEFAULT_ARGS,
      },
    }),
  ],
};
