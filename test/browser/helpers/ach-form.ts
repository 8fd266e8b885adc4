/**
 * Mounting the ACH and redirect-method (APM) forms, and filling the ACH form with real key
 * events. Reading them goes through the helpers in form.ts (byLabel, visibleError, payButton…).
 */
import { sendKeys } from '@web/test-runner-commands';
import type { ApmType, PublicSession } from '../../../contract/api.ts';
import '../../../widget/frame/ach/ach-form.ts';
import type { PayAchForm } from '../../../widget/frame/ach/ach-form.ts';
import { createCheckoutApi } from '../../../widget/frame/api.ts';
import '../../../widget/frame/apm/apm-form.ts';
import type { PayApmForm } from '../../../widget/frame/apm/apm-form.ts';
import { PayField } from '../../../widget/frame/fields/field/field.ts';
import type { PaymentForm } from '../../../widget/frame/forms/payment-form.ts';
import { byLabel, KEY, SECRET, SESSION } from './form.ts';

/** A mandate as the server writes it (contract/mandate.ts), with a line break to keep. */
export const MANDATE =
  'By accepting, I authorize Test shop to debit the bank account I entered above by ACH for a single payment of $15.00 on ' +
  'January 2, 2030, or as soon as possible after it.\nThis authorization is for this one payment only; I may revoke it by ' +
  'contacting Test shop before the debit is processed.';

export const ACH_SESSION: PublicSession = { ...SESSION, payment_methods: ['ach'], ach_mandate: MANDATE };

export const ACH_LABELS = {
  email: 'Email',
  holder: 'Account holder name',
  routing: 'Routing number',
  account: 'Account number',
  confirm: 'Confirm account number',
} as const;

/** A routing number that passes the ABA checksum and has an assigned prefix (JPMorgan Chase, NY). */
export const ROUTING = '021000021';
export const ACCOUNT = '000123456789';

const mounted: Element[] = [];

async function mount<K extends 'pay-ach-form' | 'pay-apm-form'>(tag: K, session: PublicSession, locale: string, props: Partial<HTMLElementTagNameMap[K]> = {}) {
  const form = Object.assign(document.createElement(tag), props);
  form.session = session;
  form.locale = locale;
  form.api = createCheckoutApi({ base: '', publishableKey: KEY, clientSecret: SECRET, sessionId: SESSION.id, parentOrigin: location.origin });
  document.body.append(form);
  mounted.push(form);
  await settleForm(form);
  return form;
}

export function mountAchForm(session: Partial<PublicSession> = {}, locale = 'en-US'): Promise<PayAchForm> {
  return mount('pay-ach-form', { ...ACH_SESSION, ...session }, locale);
}

export function mountApmForm(method: ApmType, session: Partial<PublicSession> = {}, locale = 'en-US'): Promise<PayApmForm> {
  return mount('pay-apm-form', { ...SESSION, payment_methods: [method], ...session }, locale, { method });
}

/** Removes what mountAchForm / mountApmForm added; call in afterEach. */
export function unmountForms(): void {
  for (const element of mounted.splice(0)) element.remove();
}

/** Waits for the form and every field in it (whatever its kind) to finish rendering. */
export async function settleForm(form: PaymentForm): Promise<void> {
  await form.updateComplete;
  const fields = [...form.shadowRoot!.querySelectorAll('*')].filter((element) => element instanceof PayField);
  await Promise.all(fields.map((field) => field.updateComplete));
  await form.updateComplete;
}

/** Focuses `input` and types `text` with real key events. */
export async function typeIn(form: PaymentForm, input: HTMLInputElement, text: string): Promise<void> {
  input.focus();
  if (text) await sendKeys({ type: text });
  await settleForm(form);
}

export async function pressKey(form: PaymentForm, key: string): Promise<void> {
  await sendKeys({ press: key });
  await settleForm(form);
}

/** The "I authorize this debit" checkbox. */
export function mandateBox(form: PayAchForm): HTMLInputElement {
  return byLabel(form, 'I authorize this debit');
}

/** The error under the authorization checkbox, or null. */
export function mandateError(form: PayAchForm): string | null {
  const error = form.shadowRoot!.querySelector('pay-ach-mandate .error');
  return error && error.checkVisibility() ? error.textContent!.trim() : null;
}

/** The radio of the account type whose label reads `text`. */
export function accountType(form: PayAchForm, text: 'Checking' | 'Savings'): HTMLInputElement {
  const label = [...form.shadowRoot!.querySelectorAll('fieldset label')].find((l) => l.textContent?.trim() === text);
  const radio = label?.querySelector('input');
  if (!radio) throw new Error(`no account type "${text}"`);
  return radio;
}

/** Fills every ACH field with valid values through the keyboard and ticks the authorization. */
export async function fillValidAch(
  form: PayAchForm,
  { routing = ROUTING, account = ACCOUNT, accept = true, labels = ACH_LABELS as Record<keyof typeof ACH_LABELS, string> } = {},
): Promise<void> {
  if (form.session?.requires_email) await typeIn(form, byLabel(form, labels.email), 'ada@example.com');
  await typeIn(form, byLabel(form, labels.holder), 'Ada Lovelace');
  await typeIn(form, byLabel(form, labels.routing), routing);
  await typeIn(form, byLabel(form, labels.account), account);
  await typeIn(form, byLabel(form, labels.confirm), account);
  if (accept) {
    form.shadowRoot!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.focus();
    await pressKey(form, 'Space');
  }
}
