/**
 * The card form's on-demand parts (saved cards, surcharge): a fetch stub that answers their API
 * calls, and mounting the form once those parts have loaded.
 */
import type { PublicPayment, PublicSession, SavedCard, SurchargeQuote } from '../../../contract/api.ts';
import type { PayCardForm } from '../../../widget/frame/card-form/card-form.ts';
import { jsonResponse, stubFetch, type FetchStub, type RecordedCall } from './fetch-stub.ts';
import { mountForm, payment, settle } from './form.ts';
import { waitFor } from './wait.ts';

/** A year two ahead, four digits. */
const FUTURE = new Date().getFullYear() + 2;

export const VISA: SavedCard = { id: 'card_visa', brand: 'visa', last4: '4242', exp_month: 12, exp_year: FUTURE };
export const AMEX: SavedCard = { id: 'card_amex', brand: 'american-express', last4: '0005', exp_month: 3, exp_year: FUTURE };
export const EXPIRED: SavedCard = { id: 'card_old', brand: 'mastercard', last4: '4444', exp_month: 1, exp_year: 2020 };

export const SAVED_OPTIONS: NonNullable<PublicSession['saved_cards']> = { can_save: true, require_cvc: false, allow_removal: false };

type Answer = Response | Promise<Response>;

export interface ApiScript {
  /** GET …/saved_cards; default: VISA and AMEX. */
  savedCards?: (call: RecordedCall) => Answer;
  /** DELETE …/saved_cards/:id; default: deleted. */
  remove?: (id: string, call: RecordedCall) => Answer;
  /** POST …/surcharge; default: `quote(body)`. */
  surcharge?: (body: { bin?: string; saved_card?: string; billing_state?: string }, call: RecordedCall) => Answer;
  /** POST …/confirm; default: a succeeded payment. */
  confirm?: (call: RecordedCall) => Answer;
}

/** A quote on a 1500 base: 53 for a Visa BIN (4…), 0 otherwise. */
export function quote(body: { bin?: string; saved_card?: string }, surcharge = body.bin?.startsWith('4') || body.saved_card === VISA.id ? 53 : 0): SurchargeQuote {
  return { base_amount: 1500, surcharge, total: 1500 + surcharge, currency: 'USD' };
}

export const apiError = (status: number, code: string, message = code, type = 'invalid_request_error') => jsonResponse({ error: { type, code, message } }, status);

/** Stubs fetch, answering each payment API route from `script`. */
export function stubApi(script: ApiScript = {}): FetchStub {
  return stubFetch((call) => {
    const path = new URL(call.url, location.href).pathname;
    const removed = /\/saved_cards\/([^/]+)$/.exec(path);
    if (removed && call.method === 'DELETE') {
      const id = decodeURIComponent(removed[1]!);
      return script.remove ? script.remove(id, call) : jsonResponse({ id, object: 'saved_card', deleted: true });
    }
    if (path.endsWith('/saved_cards')) return script.savedCards ? script.savedCards(call) : jsonResponse({ object: 'list', data: [VISA, AMEX] });
    if (path.endsWith('/surcharge')) {
      const body = call.body as { bin?: string; saved_card?: string; billing_state?: string };
      return script.surcharge ? script.surcharge(body, call) : jsonResponse(quote(body));
    }
    if (path.endsWith('/confirm')) return script.confirm ? script.confirm(call) : jsonResponse(payment());
    return jsonResponse({ error: { type: 'api_error', code: 'not_stubbed', message: path } }, 500);
  });
}

export const savedCardsResponse = (cards: SavedCard[]) => jsonResponse({ object: 'list', data: cards });

export const paymentResponse = (overrides: Partial<PublicPayment> = {}) => jsonResponse(payment(overrides));

/** Mounts the card form and waits for the parts the session needs to load (and the saved cards to be asked for). */
export async function mountCardForm(session: Partial<PublicSession>, locale = 'en-US', stub?: FetchStub): Promise<PayCardForm> {
  const form = await mountForm(session, locale);
  if (session.saved_cards) {
    await customElements.whenDefined('pay-saved-cards');
    if (stub) await waitFor(() => stub.callsTo('/saved_cards').length > 0, 'the saved cards request');
    await tickUntilSettled(form);
  }
  if (session.surcharge) {
    await customElements.whenDefined('pay-surcharge');
    await tickUntilSettled(form);
  }
  return form;
}

/** Lets pending answers (the saved cards list) arrive, then waits for every part to render. */
export async function tickUntilSettled(form: PayCardForm): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const parts = form.shadowRoot!.querySelectorAll('pay-saved-cards, pay-save-card, pay-surcharge, pay-billing-state');
    await Promise.all([...parts].map((part) => (part as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete));
    await settle(form);
  }
}

/** The saved cards element's shadow root. */
export function savedCardsRoot(form: PayCardForm): ShadowRoot {
  const element = form.shadowRoot!.querySelector('pay-saved-cards');
  if (!element?.shadowRoot) throw new Error('no <pay-saved-cards>');
  return element.shadowRoot;
}

/** The radio whose label reads `text`, in the saved cards group. */
export function radio(form: PayCardForm, text: string | RegExp): HTMLInputElement {
  const root = savedCardsRoot(form);
  const label = [...root.querySelectorAll('label')].find((l) => (typeof text === 'string' ? l.textContent?.trim() === text : text.test(l.textContent ?? '')));
  const control = label?.control;
  if (!(control instanceof HTMLInputElement)) throw new Error(`no radio labelled ${String(text)}`);
  return control;
}

/** The texts of the radio labels, in order. */
export function radioLabels(form: PayCardForm): string[] {
  return [...savedCardsRoot(form).querySelectorAll('label')].map((l) => l.textContent!.replace(/\s+/g, ' ').trim());
}

/** Chooses a radio with a click, as a person does, and waits for the form. */
export async function choose(form: PayCardForm, input: HTMLInputElement): Promise<void> {
  input.click();
  await tickUntilSettled(form);
}

/** The text of the live region of the saved cards. */
export function savedCardsStatus(form: PayCardForm): string {
  return savedCardsRoot(form).querySelector('[role="status"]')?.textContent?.trim() ?? '';
}

/** The surcharge line above the pay button. */
export function surchargeLine(form: PayCardForm): string {
  return form.shadowRoot!.querySelector('.surcharge [role="status"]')?.textContent?.trim() ?? '';
}

/** The <select> whose <label> reads `text`. */
export function selectByLabel(form: PayCardForm, text: string): HTMLSelectElement {
  const label = [...form.shadowRoot!.querySelectorAll('label')].find((l) => l.textContent?.trim() === text);
  const control = label?.control;
  if (!(control instanceof HTMLSelectElement)) throw new Error(`no select labelled "${text}"`);
  return control;
}

/** Chooses `value` in a select the way the browser reports a person's choice. */
export async function selectValue(form: PayCardForm, select: HTMLSelectElement, value: string): Promise<void> {
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await tickUntilSettled(form);
}

/** Whether a person can see `element` (not hidden, e.g. with a saved card chosen). */
export const visible = (element: Element) => element.checkVisibility();
