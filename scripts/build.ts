/**
 * Builds the two browser bundles with Vite's JS API into dist/widget/ (served as /widget.js and
 * /assets/* by the payment server) and records their sizes in dist/widget/sizes.json:
 *   widget/host/pay-checkout.ts → dist/widget/widget.js   (merchant page, budget 8 KB gzip)
 *   widget/frame/main.ts        → dist/widget/frame.js    (payment frame, budget 30 KB gzip)
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'widget');

export const BUNDLES = [
  { entry: 'widget/host/pay-checkout.ts', file: 'widget.js', budget: 8 * 1024 },
  { entry: 'widget/frame/main.ts', file: 'frame.js', budget: 30 * 1024 },
] as const;

async function bundle(entry: string, file: string): Promise<void> {
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    base: './',
    build: {
      outDir,
      emptyOutDir: false, // both builds share the folder; it is emptied once below
      target: 'es2022',
      minify: true,
      sourcemap: false,
      modulePreload: false,
      reportCompressedSize: false,
      rolldownOptions: {
        input: join(root, entry),
        output: {
          format: 'es',
          entryFileNames: file,
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  });
}

export interface BundleSize {
  raw: number;
  gzip: number;
  budgetGzip: number;
}

export async function buildWidget(): Promise<Record<string, BundleSize>> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const sizes: Record<string, BundleSize> = {};
  for (const { entry, file, budget } of BUNDLES) {
    await bundle(entry, file);
    const code = await readFile(join(outDir, file));
    sizes[file] = { raw: code.length, gzip: gzipSync(code, { level: 9 }).length, budgetGzip: budget };
  }
  await writeFile(join(outDir, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
  return sizes;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const sizes = await buildWidget();
  for (const [file, { raw, gzip, budgetGzip }] of Object.entries(sizes)) {
    const flag = gzip > budgetGzip ? '  OVER BUDGET' : '';
    console.log(`dist/widget/${file}  ${(raw / 1024).toFixed(1)} KB, ${(gzip / 1024).toFixed(2)} KB gzip (budget ${budgetGzip / 1024} KB)${flag}`);
  }
  console.log(`built in ${Math.round(performance.now() - started)} ms`);
}
