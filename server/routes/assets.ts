/**
 * The browser side served by the payment server: `widget.js` (loaded cross-origin by merchant
 * pages), the frame page that holds the card fields, and the frame's scripts under /assets.
 */
import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { originAllowed } from '../auth.ts';
import type { Deps } from '../payments/service.ts';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

/** The frame's CSP; `frameSources` are the providers' 3DS challenge origins, shown in the frame's modal. */
export function frameCsp(parentOrigin: string | null, frameSources: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-src ${frameSources.length ? frameSources.join(' ') : "'none'"}`,
    `frame-ancestors ${parentOrigin ?? "'none'"}`,
  ].join('; ');
}

export function assetRoutes(deps: Deps) {
  const { db, config } = deps;
  const app = new Hono();
  const root = path.resolve(config.assetsDir);
  const challengeOrigins = [...new Set(Object.values(deps.adapters).flatMap((adapter) => adapter.frameOrigins ?? []))];

  const serveFile = async (file: string, headers: Record<string, string>) => {
    const full = path.resolve(root, file);
    if (!full.startsWith(root + path.sep)) return null;
    try {
      const body = await readFile(full);
      return new Response(body, {
        headers: {
          'Content-Type': TYPES[path.extname(full)] ?? 'application/octet-stream',
          'Cache-Control': 'public, max-age=300',
          'X-Content-Type-Options': 'nosniff',
          ...headers,
        },
      });
    } catch {
      return null;
    }
  };

  // A module script loaded cross-origin is fetched in CORS mode: it needs Access-Control-Allow-Origin.
  app.get('/widget.js', async (c) =>
    (await serveFile('widget.js', { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' })) ??
    c.text('widget.js is not built: run `npm run build`.', 503),
  );

  app.get('/assets/:file{.+}', async (c) => (await serveFile(c.req.param('file'), {})) ?? c.text('Not found', 404));

  app.get('/frame/checkout', async (c) => {
    const pk = c.req.query('pk') ?? '';
    const parent = c.req.query('origin') ?? '';
    const security = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };
    const refuse = (status: 400 | 403, message: string) =>
      c.html(framePage(`<p class="paykit-error" role="alert">${escapeHtml(message)}</p>`), status, {
        ...security,
        // The refusal itself may show in any frame so the merchant's developer can read it.
        'Content-Security-Policy': frameCsp('*'),
      });
    if (!ORIGIN.test(parent)) return refuse(400, 'The payment form needs the embedding page\'s origin.');
    const [key] = await db.query<{ allowed_origins: string[] }>(
      `SELECT allowed_origins FROM api_keys WHERE publishable_key = $1 AND revoked_at IS NULL`,
      [pk],
    );
    if (!key) return refuse(403, 'This payment form is not configured: the publishable key is not valid.');
    if (!originAllowed(parent, key.allowed_origins, config.publicUrl)) {
      return refuse(403, `This payment form is not enabled for ${parent}. Add the origin to the publishable key's allowed origins.`);
    }
    return c.html(framePage('<script type="module" src="/assets/frame.js"></script>'), 200, {
      ...security,
      'Content-Security-Policy': frameCsp(parent, challengeOrigins),
    });
  });

  return app;
}

function framePage(content: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Secure payment form</title></head><body>${content}</body></html>`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
