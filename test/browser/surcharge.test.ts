/** Card surcharges in the card form: the lookup, the billing state, the total on the pay button and in the confirm. */
import { setLocale } from '../../widget/i18n/index.ts';
import { binOf, SurchargeQuotes, type QuoteState } from '../../widget/frame/surcharge/quotes.ts';
import type { PayCardForm } from '../../widget/frame/card-form/card-form.ts';
import { deepEqual, equal, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import {
  apiError,
  choose,
  mountCardForm,
  paymentResponse,
  quote,
  radio,
  SAVED_OPTIONS,
  selectByLabel,
  selectValue,
  stubApi,
  surchargeLine,
  tickUntilSettled,
  VISA,
  savedCardsResponse,
} from './helpers/card-extras.ts';
import { deferred, jsonResponse, type FetchStub } from './helpers/fetch-stub.ts';
import { alertText, byLabel, description, fillValidCard, FUTURE_YY, LABELS, payButton, settle, typeInto, unmountAll } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { tick, waitFor } from './helpers/wait.ts';

const SURCHARGE = { surcharge: true, billing_state: 'NY' } as const;
const DEBOUNCE = 300;
const CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2000 + Number(FUTURE_YY), cvc: '123', name: 'Ada Lovelace' };

const declined = () => paymentResponse({ status: 'failed', error: { code: 'card_declined', message: 'Your card was declined.' } });
const quotes = (stub: FetchStub) => stub.callsTo('/surcharge').map((call) => call.body);
const confirms = (stub: FetchStub) => stub.callsTo('/confirm').map((call) => call.body);

/** Replaces the card number with `digits`, typed. */
async function retype(form: PayCardForm, digits: string): Promise<void> {
  const input = byLabel(form, LABELS.number);
  input.focus();
  input.select();
  await typeInto(form, input, digits);
}

/** Waits out the debounce, then for the answers to arrive and show. */
async function afterLookup(form: PayCardForm): Promise<void> {
  await tick(DEBOUNCE + 80);
  await tickUntilSettled(form);
}

describe('Card surcharge', () => {
  let stub: FetchStub | undefined;
  afterEach(async () => {
    stub?.restore();
    stub = undefined;
    unmountAll();
    await setLocale('en');
  });

  it('looks the surcharge up once the first 6 digits are typed, after a pause, and once per BIN and state', async () => {
    stub = stubApi();
    const form = await mountCardForm(SURCHARGE, 'en-US', stub);
    const number = byLabel(form, LABELS.number);
    await typeInto(form, number, '42424');
    await tick(DEBOUNCE + 80);
    equal(quotes(stub).length, 0, 'not with 5 digits');
    await typeInto(form, number, '2');
    equal(quotes(stub).length, 0, 'not at once: debounced');
    await typeInto(form, number, '4242424242');
    await afterLookup(form);
    deepEqual(quotes(stub), [{ bin: '424242', billing_state: 'NY' }], 'one lookup, by the first 6 digits and the state');

    await retype(form, '4242420000000000');
    await afterLookup(form);
    equal(quotes(stub).length, 1, 'the same BIN is not asked again');
    await retype(form, '5555555555554444');
    await afterLookup(form);
    deepEqual(quotes(stub)[1], { bin: '555555', billing_state: 'NY' });
    await retype(form, '4242424242424242');
    equal(surchargeLine(form), 'Card surcharge: $0.53', 'a known answer shows at once');
    await afterLookup(form);
    equal(quotes(stub).length, 2, 'answers are kept');
  });

  it('shows the surcharge above the pay button and the total on it, and sends that total and the state', async () => {
    stub = stubApi({ confirm: declined });
    const form = await mountCardForm(SURCHARGE, 'en-US', stub);
    equal(payButton(form).textContent?.trim(), 'Pay $15.00', 'the base amount before a card is typed');
    await fillValidCard(form);
    await afterLookup(form);
    equal(surchargeLine(form), 'Card surcharge: $0.53');
    equal(payButton(form).textContent?.trim(), 'Pay $15.53');
    const line = form.shadowRoot!.querySelector('.surcharge')!;
    ok(line.compareDocumentPosition(payButton(form)) & Node.DOCUMENT_POSITION_FOLLOWING, 'the line is above the button');
    await expectNoAxeViolations(form);

    await form.submit();
    deepEqual(confirms(stub), [{ payment_method: { type: 'card', card: CARD, billing_state: 'NY' }, expected_amount: 1553 }]);
  });

  it('shows nothing extra for a 0 surcharge, and sends the base amount as the total', async () => {
    stub = stubApi({ confirm: declined });
    const form = await mountCardForm(SURCHARGE, 'en-US', stub);
    await fillValidCard(form, '5555555555554444');
    await afterLookup(form);
    equal(quotes(stub).length, 1);
    equal(surchargeLine(form), '');
    equal(payButton(form).textContent?.trim(), 'Pay $15.00');
    await form.submit();
    equal((confirms(stub)[0] as { expected_amount?: number }).expected_amount, 1500);
  });

  it('asks for the billing state when the session has none: a labelled select, required, flagged like the other fields', async () => {
    stub = stubApi({ confirm: declined });
    const form = await mountCardForm({ surcharge: true, billing_state: null }, 'en-US', stub);
    const select = selectByLabel(form, 'Billing state');
    equal(select.options.length, 52, 'the 50 states and DC, after "Choose a state"');
    equal(select.options[0]!.textContent?.trim(), 'Choose a state');
    equal(select.value, '');
    ok([...select.options].some((option) => option.value === 'DC' && option.textContent === 'District of Columbia'));
    equal(select.getAttribute('aria-required'), 'true');
    equal(select.autocomplete, 'billing address-level1');

    await fillValidCard(form);
    await afterLookup(form);
    equal(quotes(stub).length, 0, 'no lookup without the state');
    await form.submit();
    await settle(form);
    equal(confirms(stub).length, 0, 'no payment without the state');
    equal(select.getAttribute('aria-invalid'), 'true');
    equal(description(select as unknown as HTMLInputElement), 'Choose your billing state.');
    equal(form.shadowRoot!.activeElement, select, 'focus on the first field to fix');
    await expectNoAxeViolations(form);

    await selectValue(form, select, 'CA');
    equal(select.getAttribute('aria-invalid'), 'false', 'fixed');
    await afterLookup(form);
    deepEqual(quotes(stub), [{ bin: '424242', billing_state: 'CA' }]);
    await selectValue(form, select, 'TX');
    await afterLookup(form);
    await selectValue(form, select, 'CA');
    await afterLookup(form);
    equal(quotes(stub).length, 2, 'CA was known');
    await form.submit();
    deepEqual(confirms(stub)[0], { payment_method: { type: 'card', card: CARD, billing_state: 'CA' }, expected_amount: 1553 });
  });

  it('never pays an amount not shown: submitting while the lookup is pending waits, and a new total stops the payment', async () => {
    const answer = deferred<Response>();
    stub = stubApi({ surcharge: () => answer.promise, confirm: declined });
    const form = await mountCardForm(SURCHARGE, 'en-US', stub);
    await fillValidCard(form);
    equal(payButton(form).textContent?.trim(), 'Pay $15.00');
    void form.submit();
    await tick(DEBOUNCE + 80);
    equal(confirms(stub).length, 0, 'waits for the surcharge');
    equal(surchargeLine(form), 'Calculating the card surcharge…');
    answer.resolve(jsonResponse(quote({ bin: '424242' })));
    await waitFor(() => surchargeLine(form) === 'Card surcharge: $0.53', 'the surcharge');
    await tickUntilSettled(form);
    equal(confirms(stub).length, 0, 'the buyer was shown $15.00: not paid');
    equal(alertText(form), 'The total has changed. Nothing was charged: check the new total and pay again.');
    equal(payButton(form).textContent?.trim(), 'Pay $15.53');
    await form.submit();
    equal((confirms(stub)[0] as { expected_amount?: number }).expected_amount, 1553, 'paid once the total was shown');
  });

  it('pays at once when a pending lookup finds no surcharge', async () => {
    const answer = deferred<Response>();
    stub = stubApi({ surcharge: () => answer.promise, confirm: declined });
    const form = await mountCardForm(SURCHARGE, 'en-US', stub);
    await fillValidCard(form, '5555555555554444');
    const submitted = form.submit();
    await tick(20);
    void form.submit(); // a second submit while waiting is ignored
    answer.resolve(jsonResponse(quote({ bin: '555555' })));
    await submitted;
    await tick(20);
    equal(confirms(stub).length, 1);
    equal((confirms(stub)[0] as { expected_amount?: number }).expected_amount, 1500);
  });

  it('says when the surcharge cannot be calculated, pays nothing, and offers to try again', async () => {
    let failing = true;
    stub = stubApi({
      surcharge: (body) => (failing ? apiError(503, 'surcharge_unavailable', 'down', 'provider_error') : jsonResponse(quote(body))),
      confirm: declined,
    });
    const form = await mountCardForm(SURCHARGE, 'en-US', stub);
    await fillValidCard(form);
    await afterLookup(form);
    equal(surchargeLine(form), 'The card surcharge could not be calculated.');
    const retryButton = () => [...form.shadowRoot!.querySelectorAll('button')].find((button) => button.textContent?.trim() === 'Try again');
    ok(retryButton(), 'a "Try again" button');
    equal(payButton(form).textContent?.trim(), 'Pay $15.00');
    await expectNoAxeViolations(form);

    await form.submit();
    await tickUntilSettled(form);
    equal(quotes(stub).length, 2, 'paying asks again');
    equal(confirms(stub).length, 0, 'and pays nothing when it still fails');
    equal(alertText(form), 'The card surcharge could not be calculated.');

    failing = false;
    const retry = retryButton()!;
    retry.focus();
    retry.click();
    await waitFor(() => surchargeLine(form) === 'Card surcharge: $0.53', 'the surcharge');
    await tickUntilSettled(form);
    equal(form.shadowRoot!.querySelector('.retry'), null, 'no more "Try again"');
    equal(form.shadowRoot!.activeElement, payButton(form), 'focus moves on to the pay button');
    equal(payButton(form).textContent?.trim(), 'Pay $15.53');
    await form.submit();
    equal((confirms(stub)[0] as { expected_amount?: number }).expected_amount, 1553);
  });

  it('explains an amount_changed refusal, looks the surcharge up again and shows the new total', async () => {
    let surcharge = 53;
    stub = stubApi({
      surcharge: (body) => jsonResponse(quote(body, surcharge)),
      confirm: () => apiError(409, 'amount_changed', 'The total is 1580, not 1553: show the buyer the new total, then confirm again.'),
    });
    const form = await mountCardForm(SURCHARGE, 'en-US', stub);
    await fillValidCard(form);
    await afterLookup(form);
    equal(payButton(form).textContent?.trim(), 'Pay $15.53');
    surcharge = 80;
    await form.submit();
    await tickUntilSettled(form);
    equal(alertText(form), 'The total has changed. Nothing was charged: check the new total and pay again.');
    await waitFor(() => surchargeLine(form) === 'Card surcharge: $0.80', 'the new surcharge');
    await tickUntilSettled(form);
    equal(quotes(stub).length, 2, 'looked up again, once');
    equal(payButton(form).textContent?.trim(), 'Pay $15.80');
    equal(payButton(form).disabled, false);
    await form.submit();
    equal((confirms(stub)[1] as { expected_amount?: number }).expected_amount, 1580);
  });

  it('looks a saved card up by its id, and pays it with the state and the total shown', async () => {
    stub = stubApi({ savedCards: () => savedCardsResponse([VISA]), confirm: declined });
    const form = await mountCardForm({ ...SURCHARGE, saved_cards: SAVED_OPTIONS }, 'en-US', stub);
    await afterLookup(form);
    deepEqual(quotes(stub), [{ saved_card: 'card_visa', billing_state: 'NY' }]);
    equal(surchargeLine(form), 'Card surcharge: $0.53');
    equal(payButton(form).textContent?.trim(), 'Pay $15.53');
    await form.submit();
    deepEqual(confirms(stub), [{ payment_method: { type: 'saved_card', saved_card: { id: 'card_visa' }, billing_state: 'NY' }, expected_amount: 1553 }]);

    await choose(form, radio(form, 'Use a new card'));
    equal(payButton(form).textContent?.trim(), 'Pay $15.00', 'a new card: its own surcharge, not the saved one’s');
    equal(surchargeLine(form), '');
    await fillValidCard(form, '5555555555554444');
    await afterLookup(form);
    equal(payButton(form).textContent?.trim(), 'Pay $15.00');
    await choose(form, radio(form, /^Visa/));
    equal(payButton(form).textContent?.trim(), 'Pay $15.53', 'known already');
    equal(quotes(stub).length, 2);
  });

  it('speaks Portuguese in a pt-BR checkout', async () => {
    await setLocale('pt-BR');
    stub = stubApi();
    const form = await mountCardForm({ surcharge: true, billing_state: null }, 'pt-BR', stub);
    const select = selectByLabel(form, 'Estado de cobrança');
    equal(select.options[0]!.textContent?.trim(), 'Escolha um estado');
    await selectValue(form, select, 'NY');
    await typeInto(form, byLabel(form, 'Número do cartão'), '4242424242424242');
    await afterLookup(form);
    equal(surchargeLine(form), 'Taxa adicional do cartão: US$\u00a00,53');
    equal(payButton(form).textContent?.trim(), 'Pagar US$\u00a015,53');
  });

  it('keeps quotes by card and state, asks after a pause, and forgets failures (SurchargeQuotes)', async () => {
    const asked: unknown[] = [];
    let fail = false;
    const states: QuoteState['status'][] = [];
    const quotesOf = new SurchargeQuotes(
      async (card, state) => {
        asked.push([card, state]);
        return fail ? { ok: false, error: { status: 503, type: 'provider_error', code: 'x', message: 'x' } } : { ok: true, value: quote({ bin: '424242' }) };
      },
      (state) => states.push(state.status),
      20,
    );
    equal(binOf('42424'), null);
    equal(binOf('4242424242'), '424242');
    quotesOf.update({ bin: '424242' }, '');
    equal(quotesOf.state.status, 'none', 'no state, nothing to ask');
    quotesOf.update({ bin: '424242' }, 'NY');
    quotesOf.update({ bin: '424242' }, 'NY');
    equal(quotesOf.state.status, 'pending');
    await tick(60);
    equal(quotesOf.state.status, 'ready');
    deepEqual(asked, [[{ bin: '424242' }, 'NY']]);
    fail = true;
    quotesOf.update({ saved_card: 'card_1' }, 'NY');
    equal((await quotesOf.now()).status, 'failed');
    equal((await quotesOf.now()).status, 'failed', 'asked again');
    equal(asked.length, 3);
    quotesOf.update({ bin: '424242' }, 'NY');
    equal(quotesOf.state.status, 'ready', 'a kept answer, at once');
    equal(asked.length, 3);
    deepEqual(states, ['pending', 'ready', 'pending', 'failed', 'pending', 'failed', 'ready']);
  });
});
