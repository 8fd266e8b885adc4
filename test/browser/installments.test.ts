/** The installments choice in the card form ("parcelas"): a labelled native <select>. */
import { sendKeys } from '@web/test-runner-commands';
import { installmentPlan } from '../../contract/installments.ts';
import { setLocale } from '../../widget/i18n/index.ts';
import type { PayCardForm } from '../../widget/frame/card-form/card-form.ts';
import { deepEqual, equal, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { jsonResponse, stubFetch, type FetchStub } from './helpers/fetch-stub.ts';
import { fillValidCard, mountForm as mountCardForm, payButton, payment, settle, unmountAll } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';

/** The card form, once its installments choice (a chunk loaded on demand) has rendered. */
async function mountForm(...args: Parameters<typeof mountCardForm>): Promise<PayCardForm> {
  const form = await mountCardForm(...args);
  const choice = form.shadowRoot!.querySelector('pay-installments');
  if (choice) {
    await customElements.whenDefined('pay-installments');
    await choice.updateComplete;
    await settle(form);
  }
  return form;
}

/** The <select> whose <label> reads `text`. */
function selectByLabel(form: PayCardForm, text = 'Installments'): HTMLSelectElement {
  const label = [...form.shadowRoot!.querySelectorAll('label')].find((l) => l.textContent?.trim() === text);
  if (!label) throw new Error(`no label "${text}"`);
  const control = label.control;
  if (!(control instanceof HTMLSelectElement)) throw new Error(`label "${text}" is not for a select`);
  return control;
}

const optionTexts = (select: HTMLSelectElement) => [...select.options].map((o) => o.textContent!.replace(/[ \t\n]+/g, ' ').trim());

/** "$33.33" → 3333 (en-US amounts). */
const cents = (text: string) => Math.round(Number(text.replace(/[^0-9.]/g, '')) * 100);

async function choose(form: PayCardForm, select: HTMLSelectElement, count: number): Promise<void> {
  select.value = String(count);
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await settle(form);
}

describe('Installments', () => {
  let stub: FetchStub | undefined;
  afterEach(async () => {
    stub?.restore();
    stub = undefined;
    unmountAll();
    await setLocale('en');
  });

  it('offers 1× to the session maximum, each option honest about its amounts, 1× chosen', async () => {
    const form = await mountForm({ amount: 10000, max_installments: 4 });
    const select = selectByLabel(form);
    deepEqual([...select.options].map((o) => o.value), ['1', '2', '3', '4']);
    equal(select.value, '1', '1× by default');
    deepEqual(optionTexts(select), [
      '1× $100.00 (no interest)',
      '2× $50.00 · total $100.00',
      '3× $33.33 (first $33.34) · total $100.00',
      '4× $25.00 · total $100.00',
    ]);
    // What each option says adds up to the total: the first installment, then `count - 1` of the others.
    for (const [index, text] of optionTexts(select).entries()) {
      const count = index + 1;
      const amounts = [...text.matchAll(/\$[\d,.]+/g)].map((m) => cents(m[0]));
      const each = amounts[0]!;
      const first = text.includes('(first') ? amounts[1]! : each;
      const total = amounts.at(-1)!;
      equal(total, 10000, `${text}: total`);
      equal(first + each * (count - 1), 10000, `${text}: installments add up`);
      deepEqual(installmentPlan(10000, count), [first, ...Array(count - 1).fill(each)], `${text}: the plan`);
    }
    await expectNoAxeViolations(form);
  });

  it('sends the chosen count, keeps the total on the pay button, and sends none for 1×', async () => {
    stub = stubFetch(() => jsonResponse(payment({ installments: 3 })));
    const form = await mountForm({ amount: 10000, max_installments: 3 });
    await fillValidCard(form);
    const select = selectByLabel(form);
    await choose(form, select, 3);
    equal(payButton(form).textContent?.trim(), 'Pay $100.00', 'the button keeps the total');
    await form.submit();
    equal((stub.calls[0]!.body as { payment_method: { installments?: number } }).payment_method.installments, 3);

    const again = await mountForm({ amount: 10000, max_installments: 3 });
    await fillValidCard(again);
    await again.submit();
    ok(!('installments' in (stub.calls[1]!.body as { payment_method: object }).payment_method), '1× sends no installments');
  });

  it('is reachable and changed with the keyboard', async () => {
    stub = stubFetch(() => jsonResponse(payment()));
    const form = await mountForm({ amount: 10000, max_installments: 6 });
    await fillValidCard(form); // focus ends in the name field, just before the select
    await sendKeys({ press: 'Tab' });
    const select = selectByLabel(form);
    equal(form.shadowRoot!.activeElement, select, 'Tab reaches the select after the name');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await settle(form);
    equal(select.value, '3');
    await form.submit();
    equal((stub.calls[0]!.body as { payment_method: { installments?: number } }).payment_method.installments, 3);
  });

  it('is not there when the session offers one installment, or the amount cannot be split', async () => {
    for (const session of [{ max_installments: 1 }, { amount: 1, max_installments: 12 }]) {
      const form = await mountForm(session);
      equal(form.shadowRoot!.querySelector('select'), null, JSON.stringify(session));
    }
    // Never more options than minor units to split.
    const small = await mountForm({ amount: 3, max_installments: 12 });
    equal(selectByLabel(small).options.length, 3);
  });

  it('speaks Portuguese in a pt-BR checkout', async () => {
    await setLocale('pt-BR');
    const form = await mountForm({ amount: 10000, currency: 'BRL', max_installments: 3 }, 'pt-BR');
    const select = selectByLabel(form, 'Parcelas');
    deepEqual(optionTexts(select), [
      '1× de R$\u00a0100,00 (à vista)',
      '2× de R$\u00a050,00 sem juros · total R$\u00a0100,00',
      '3× de R$\u00a033,33 (1ª de R$\u00a033,34) sem juros · total R$\u00a0100,00',
    ]);
    equal(payButton(form).textContent?.trim(), 'Pagar R$\u00a0100,00');
  });
});
