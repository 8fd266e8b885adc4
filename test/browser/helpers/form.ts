/** Mounting the payment forms (card here, PIX in pix-form.ts) and reading them the way a person or a screen reader would. */
import type { PublicPayment, PublicSession } from '../../../contract/api.ts';
import { createCheckoutApi } from '../../../widget/frame/api.ts';
import '../../../widget/frame/card-form/card-form.ts';
import type { PayCardForm } from '../../../widget/frame/card-form/card-form.ts';
import type { PaymentForm } from '../../../widget/frame/forms/payment-form.ts';
import { sendKeys } from '@web/test-runner-commands';

export const SESSION: PublicSession = {
  id: 'cs_test1',
  object: 'checkout.session',
  status: 'open',
  amount: 1500,
  currency: 'USD',
  description: null,
  locale: 'en-US',
  merchant_name: 'Test shop',
  requires_email: false,
  payment_methods: ['card'],
  max_installments: 1,
  collect_phone: false,
  surcharge: false,
  billing_state: null,
  saved_cards: null,
  ach_mandate: null,
  payment: null,
};

export const SECRET = 'cs_test1_secret_abc';
export const KEY = 'pk_test_abc';

export function payment(overrides: Partial<PublicPayment> = {}): PublicPayment {
  return { id: 'pay_1', status: 'succeeded', amount: 1500, surcharge_amount: 0, currency: 'USD', method: 'card', installments: 1, next_action: null, error: null, card: null, ...overrides };
}

/** A year two ahead, as YY, so expiry tests do not age. */
export const FUTURE_YY = String((new Date().getFullYear() + 2) % 100).padStart(2, '0');

export const LABELS = {
  number: 'Card number',
  expiry: 'Expiration date',
  cvc: 'Security code',
  name: 'Name on card',
  email: 'Email',
} as const;

const mounted: Element[] = [];

export async function mountForm(session: Partial<PublicSession> = {}, locale = 'en-US'): Promise<PayCardForm> {
  return mountPaymentForm('pay-card-form', { ...SESSION, ...session }, locale);
}

/** Mounts a payment form with an API client for SESSION (fetch goes to the stub or the test server). */
export async function mountPaymentForm<K extends 'pay-card-form' | 'pay-pix-form'>(
  tag: K,
  session: PublicSession,
  locale: string,
): Promise<HTMLElementTagNameMap[K]> {
  const form = document.createElement(tag);
  form.session = session;
  form.locale = locale;
  form.api = createCheckoutApi({ base: '', publishableKey: KEY, clientSecret: SECRET, sessionId: SESSION.id, parentOrigin: location.origin });
  document.body.append(form);
  mounted.push(form);
  await settle(form);
  return form;
}

/** Removes what mountForm added; call in afterEach. */
export function unmountAll(): void {
  for (const element of mounted.splice(0)) element.remove();
}

const FIELDS = 'pay-email, pay-card-number, pay-expiry, pay-cvc, pay-cardholder-name, pay-full-name, pay-document, pay-phone';

/** Waits for the form and every field to finish rendering. */
export async function settle(form: PaymentForm): Promise<void> {
  await form.updateComplete;
  const fields = form.shadowRoot!.querySelectorAll(FIELDS);
  await Promise.all([...fields].map((field) => (field as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete));
  await form.updateComplete;
}

/** The input whose <label> reads exactly `text` (via the label's `for`, as assistive technology resolves it). */
export function byLabel(form: PaymentForm, text: string): HTMLInputElement {
  const label = [...form.shadowRoot!.querySelectorAll('label')].find((l) => l.textContent?.trim() === text);
  if (!label) throw new Error(`no label "${text}"`);
  const control = label.control;
  if (!(control instanceof HTMLInputElement)) throw new Error(`label "${text}" is not associated with an input`);
  return control;
}

/** The text of the elements the input's aria-describedby points at. */
export function description(input: HTMLInputElement): string {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  const root = input.getRootNode() as ShadowRoot;
  return ids.map((id) => root.getElementById(id)?.textContent?.trim() ?? `<missing #${id}>`).join(' | ');
}

/** The error shown next to the input (the `.error` paragraph in its field), or null. */
export function visibleError(input: HTMLInputElement): string | null {
  const error = input.closest('.field')?.querySelector('.error');
  return error && error.checkVisibility() ? error.textContent!.trim() : null;
}

export function payButton(form: PaymentForm): HTMLButtonElement {
  return form.shadowRoot!.querySelector('button[type="submit"]')!;
}

export function alertText(form: PaymentForm): string {
  return form.shadowRoot!.querySelector('[role="alert"]')?.textContent?.trim() ?? '';
}

/** Focuses `input` and types `text` with real key events. */
export async function typeInto(form: PaymentForm, input: HTMLInputElement, text: string): Promise<void> {
  input.focus();
  if (text) await sendKeys({ type: text });
  await settle(form);
}

export async function press(form: PaymentForm, key: string): Promise<void> {
  await sendKeys({ press: key });
  await settle(form);
}

/** Fills every card field with valid values through the keyboard. */
export async function fillValidCard(form: PayCardForm, number = '4242424242424242'): Promise<void> {
  await typeInto(form, byLabel(form, LABELS.number), number);
  await typeInto(form, byLabel(form, LABELS.expiry), `12${FUTURE_YY}`);
  await typeInto(form, byLabel(form, LABELS.cvc), number.startsWith('3') ? '1234' : '123');
  await typeInto(form, byLabel(form, LABELS.name), 'Ada Lovelace');
}
