/**
 * Builds the three browser bundles with Vite's JS API into dist/widget/ (served as /widget.js and
 * /assets/* by the payment server) and records their sizes in dist/widget/sizes.json:
 *   widget/host/pay-checkout.ts → dist/widget/widget.js   (merchant page, budget 8 KB gzip)
 *   widget/frame/main.ts        → dist/widget/frame.js    (payment frame, budget 30 KB gzip)
 *   widget/invoice/page.ts      → dist/widget/invoice.js  (hosted invoice page, budget 4 KB gzip)
 * What the frame loads only when needed (the PIX code view, the 3DS modal, every catalogue but
 * English…) goes to dist/widget/chunks/, listed with its size under the entry that loads it.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { build, type Plugin } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'widget');

export const BUNDLES = [
  { entry: 'widget/host/pay-checkout.ts', file: 'widget.js', budget: 8 * 1024 },
  { entry: 'widget/frame/main.ts', file: 'frame.js', budget: 30 * 1024 },
  { entry: 'widget/invoice/page.ts', file: 'invoice.js', budget: 4 * 1024 },
] as const;

/**
 * Vite wraps every dynamic import in a helper that first preloads the chunk's CSS and imports
 * (and reports failures as `vite:preloadError`). These bundles have no CSS files and
 * modulePreload is off, so all it would add is ~1 KB to the entry: plain `import()` instead.
 */
const plainDynamicImports: Plugin = {
  name: 'paykit-plain-dynamic-imports',
  enforce: 'pre',
  resolveId: (id) => (id === '\0vite/preload-helper.js' || id === 'vite/preload-helper.js' ? '\0vite/preload-helper.js' : undefined),
  load: (id) => (id === '\0vite/preload-helper.js' ? 'export const __vitePreload = (load) => load();' : undefined),
};

/**
 * Lit's html`…`, svg`…` and css`…` literals reach the bundle as written, indentation and all.
 * Found with the TypeScript parser (so `${…}` holding other templates is no problem), their
 * static text is compacted:
 * - html / svg: a whitespace run holding a line break becomes one space, which renders the same
 *   (HTML collapses whitespace; our templates have no `<pre>` and set `<textarea>` by property);
 * - css (without substitutions): comments out, whitespace runs to one space, none around
 *   `{ } ; , >` or after `:`; spaces that mean something (descendant combinators, `calc(a - b)`,
 *   value lists) stay.
 * Literals with backslash escapes are left as they are.
 */
export function compactCss(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,>]) ?/g, '$1')
    .replace(/: /g, ':')
    .replace(/;}/g, '}')
    .trim();
}

export function compactMarkup(text: string): string {
  return text.replace(/[ \t]*\n\s*/g, ' ');
}

export function compactTemplates(code: string): string {
  const source = ts.createSourceFile('module.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && ['html', 'svg', 'css'].includes(node.tag.text)) {
      const template = node.template;
      const css = node.tag.text === 'css';
      const parts = ts.isNoSubstitutionTemplateLiteral(template) ? [template] : css ? [] : [template.head, ...template.templateSpans.map((span) => span.literal)];
      for (const part of parts) {
        // The text between the delimiters: ` or } before it, ` or ${ after it.
        const start = part.getStart(source) + 1;
        const end = part.getEnd() - (part.kind === ts.SyntaxKind.TemplateHead || part.kind === ts.SyntaxKind.TemplateMiddle ? 2 : 1);
        const raw = code.slice(start, end);
        if (raw.includes('\\')) continue;
        const text = css ? compactCss(raw) : compactMarkup(raw);
        if (text !== raw) edits.push({ start, end, text });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let out = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

const compactLitTemplates: Plugin = {
  name: 'paykit-compact-lit-templates',
  enforce: 'pre',
  transform(code, id) {
    if (!/\/widget\/.*\.ts$/.test(id) || !/\b(html|svg|css)`/.test(code)) return undefined;
    const compacted = compactTemplates(code);
    return compacted === code ? undefined : { code: compacted, map: null };
  },
};

/** Builds one entry; returns the file names of the chunks it split off (relative to outDir). */
async function bundle(entry: string, file: string): Promise<string[]> {
  const result = await build({
    root,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    base: './',
    plugins: [plainDynamicImports, compactLitTemplates],
    build: {
      outDir,
      emptyOutDir: false, // the builds share the folder; it is emptied once below
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
  const outputs = Array.isArray(result) ? result : [result];
  return outputs
    .flatMap((output) => ('output' in output ? output.output : []))
    .filter((item) => item.type === 'chunk' && item.fileName !== file)
    .map((item) => item.fileName)
    .sort();
}

export interface FileSize {
  raw: number;
  gzip: number;
}

export interface BundleSize extends FileSize {
  budgetGzip: number;
  /** Lazily loaded chunks of this entry, by path under dist/widget/ (not in the budget). */
  chunks: Record<string, FileSize>;
}

async function sizeOf(file: string): Promise<FileSize> {
  const code = await readFile(join(outDir, file));
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

export async function buildWidget(): Promise<Record<string, BundleSize>> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const sizes: Record<string, BundleSize> = {};
  for (const { entry, file, budget } of BUNDLES) {
    const chunkFiles = await bundle(entry, file);
    const chunks: Record<string, FileSize> = {};
    for (const chunk of chunkFiles) chunks[chunk] = await sizeOf(chunk);
    sizes[file] = { ...(await sizeOf(file)), budgetGzip: budget, chunks };
  }
  await writeFile(join(outDir, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
  return sizes;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const sizes = await buildWidget();
  for (const [file, { raw, gzip, budgetGzip, chunks }] of Object.entries(sizes)) {
    const flag = gzip > budgetGzip ? '  OVER BUDGET' : '';
    console.log(`dist/widget/${file}  ${(raw / 1024).toFixed(1)} KB, ${(gzip / 1024).toFixed(2)} KB gzip (budget ${budgetGzip / 1024} KB)${flag}`);
    for (const [chunk, size] of Object.entries(chunks)) {
      console.log(`  lazy ${chunk}  ${(size.raw / 1024).toFixed(1)} KB, ${(size.gzip / 1024).toFixed(2)} KB gzip`);
    }
  }
  console.log(`built in ${Math.round(performance.now() - started)} ms`);
}
