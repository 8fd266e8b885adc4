/**
 * Helpers for the end-to-end tests: a real headless Chromium (the one `npm test` found or
 * installed, passed in CHROME_PATH), collectors for CSP violations and console errors in every
 * frame of a page, and `startE2E()` which starts the whole stack (payment server, simulators,
 * demo shop, each on its own port) together with a browser.
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type FrameLocator, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/browser.ts';
import { startStack, type Stack, type StackOptions } from '../../server/stack.ts';

/** The browser binary: CHROME_PATH (set by `npm test`), else whatever findChromium() finds. */
export function chromiumPath(): string {
  const path = process.env.CHROME_PATH || findChromium();
  if (!path) {
    throw new Error('No Chromium found. Run the tests with `npm test` (it installs one), or run `node --import tsx scripts/browser.ts`, or set CHROME_PATH.');
  }
  return path;
}

/** Launches headless Chromium with the project's shared arguments. */
export function launchBrowser(options: { slowMo?: number } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS], headless: true, ...options });
}

export interface CspViolation {
  /** The URL of the document (page or frame) whose policy was violated. */
  documentURI: string;
  blockedURI: string;
  violatedDirective: string;
  effectiveDirective: string;
  sourceFile: string;
  lineNumber: number;
  /** The first characters of the blocked inline script or style, when the browser reports it. */
  sample: string;
}

const CSP_BINDING = '__paykitReportCspViolation';

/**
 * Records every Content-Security-Policy violation in the page and all its frames (the payment
 * frame included), from the documents' own `securitypolicyviolation` events. Call it before
 * navigating; the returned array fills as violations happen.
 */
export async function collectCspViolations(page: Page): Promise<CspViolation[]> {
  const violations: CspViolation[] = [];
  await page.exposeBinding(CSP_BINDING, (_source, violation: CspViolation) => {
    violations.push(violation);
  });
  await page.addInitScript((binding: string) => {
    document.addEventListener(
      'securitypolicyviolation',
      (event) => {
        const report = (window as unknown as Record<string, (v: unknown) => void>)[binding];
        report?.({
          documentURI: event.documentURI,
          blockedURI: event.blockedURI,
          violatedDirective: event.violatedDirective,
          effectiveDirective: event.effectiveDirective,
          sourceFile: event.sourceFile,
          lineNumber: event.lineNumber,
          sample: event.sample,
        });
      },
      true,
    );
  }, CSP_BINDING);
  return violations;
}

/**
 * Records console errors and uncaught exceptions of the page and its frames as readable lines
 * (`[console.error] message (url:line)` / `[pageerror] message`). Call it before navigating.
 * Failed resource loads show up here too, as Chromium logs them as console errors.
 */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url, lineNumber } = message.location();
    errors.push(`[console.error] ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
  });
  page.on('pageerror', (error) => {
    errors.push(`[pageerror] ${error.message}`);
  });
  return errors;
}

export type { Stack };

export interface WatchedPage {
  page: Page;
  cspViolations: CspViolation[];
  consoleErrors: string[];
}

export interface E2E {
  stack: Stack;
  browser: Browser;
  /** A fresh browser context and page (a phone's viewport, say), with CSP violations and console errors collected. */
  newPage(options?: BrowserContextOptions): Promise<WatchedPage>;
  /** Closes every page, the browser and the stack. */
  close(): Promise<void>;
}

/**
 * Starts the stack (on the database DATABASE_URL names, else an in-memory PGlite) and a browser.
 * Use in `before`, and `close()` in `after`.
 */
export async function startE2E(options: StackOptions = {}): Promise<E2E> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  const stack = await startStack({ quiet: true, ...options, ...(databaseUrl ? { databaseUrl } : {}) });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await stack.close();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  return {
    stack,
    browser,
    async newPage(options?: BrowserContextOptions) {
      const context = await browser.newContext(options);
      contexts.push(context);
      const page = await context.newPage();
      const cspViolations = await collectCspViolations(page);
      const consoleErrors = collectConsoleErrors(page);
      return { page, cspViolations, consoleErrors };
    },
    async close() {
      await Promise.allSettled(contexts.map((context) => context.close()));
      await browser.close().catch(() => {});
      await stack.close();
    },
  };
}

/** The payment frame inside a page's `<pay-checkout>`. */
export const frameOf = (page: Page): FrameLocator => page.frameLocator('pay-checkout iframe');

/** A card expiry year three years ahead, two digits. */
export const expiryYear = String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0');

/**
 * Types a card with the keyboard, as a buyer would, moving between the fields with Tab:
 * number, expiry (December), security code, name on card.
 */
export async function typeCard(page: Page, number: string, options: { cvc?: string; name?: string; numberLabel?: string } = {}) {
  await frameOf(page).getByLabel(options.numberLabel ?? 'Card number').click();
  await page.keyboard.type(number);
  await page.keyboard.press('Tab');
  await page.keyboard.type(`12${expiryYear}`);
  await page.keyboard.press('Tab');
  await page.keyboard.type(options.cvc ?? '123');
  await page.keyboard.press('Tab');
  await page.keyboard.type(options.name ?? 'Jane Doe');
}

/**
 * Opens the bank account tab and fills it (holder, routing number, account number and, when the
 * form asks, its confirmation); the mandate is left for the test to read and accept.
 */
export async function fillBankAccount(frame: FrameLocator, account = '000123456789', routing = '021000021') {
  await frame.getByRole('tab', { name: 'Bank account' }).click();
  await frame.getByLabel('Account holder name').fill('Jane Doe');
  await frame.getByLabel('Routing number').fill(routing);
  await frame.getByLabel('Account number', { exact: true }).fill(account);
  const confirm = frame.getByLabel('Confirm account number');
  if (await confirm.count()) await confirm.fill(account);
}
