import { sendKeys } from '@web/test-runner-commands';
import { deepEqual, equal, match, notEqual, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { deferred, jsonResponse, stubFetch, type FetchStub } from './helpers/fetch-stub.ts';
import {
  alertText,
  byLabel,
  fillValidCard,
  FUTURE_YY,
  KEY,
  LABELS,
  mountForm,
  payButton,
  payment,
  press,
  SECRET,
  settle,
  unmountAll,
  visibleError,
} from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { tick, waitFor } from './helpers/wait.ts';
import type { FormChange } from '../../widget/frame/card-form/card-form.ts';
import type { Outcome } from '../../widget/lib/outcome.ts';

describe('Card form', () => {
  let stub: FetchStub | undefined;
  afterEach(() => {
    stub?.restore();
    stub = undefined;
    unmountAll();
  });

  it('shows the amount on the pay button, formatted for the currency and locale', async () => {
    equal(payButton(await mountForm()).textContent?.trim(), 'Pay $15.00');
    equal(payButton(await mountForm({ amount: 1500, currency: 'JPY' })).textContent?.trim(), 'Pay ¥1,500');
    equal(payButton(await mountForm({ amount: 1234, currency: 'EUR' }, 'de-DE')).textContent?.trim(), 'Pay 12,34\u00a0€');
    equal(payButton(await mountForm({ amount: 1234, currency: 'KWD' }, 'en-US')).textContent?.trim(), 'Pay KWD\u00a01.234');
  });

  it('on submit with mistakes, flags every field, focuses the first one and sends nothing', async () => {
    stub = stubFetch(() => jsonResponse(payment()));
    const form = await mountForm();
    byLabel(form, LABELS.expiry).focus();
    await sendKeys({ type: '12' });
    await form.submit();
    await settle(form);
    for (const label of Object.values(LABELS).filter((l) => l !== LABELS.email)) {
      const input = byLabel(form, label);
      ok(visibleError(input), `${label} flagged`);
      equal(input.getAttribute('aria-invalid'), 'true');
    }
    equal(form.shadowRoot!.activeElement, byLabel(form, LABELS.number), 'first invalid field focused');
    equal(stub.calls.length, 0);
  });

  it('confirms once with the card, the keys and an idempotency key, and is disabled while paying', async () => {
    const answer = deferred<Response>();
    stub = stubFetch(() => answer.promise);
    const form = await mountForm();
    const outcomes: Outcome[] = [];
    form.addEventListener('pay-form-outcome', (e) => outcomes.push((e as CustomEvent<Outcome>).detail));
    await fillValidCard(form);
    await press(form, 'Enter');
    await waitFor(() => stub!.calls.length === 1, 'the confirm request');
    ok(payButton(form).disabled, 'button disabled while paying');
    equal(byLabel(form, LABELS.number).readOnly, true, 'fields locked while paying');

    // Every way to submit again is ignored while the first attempt is in flight.
    await press(form, 'Enter');
    payButton(form).click();
    form.shadowRoot!.querySelector('form')!.requestSubmit();
    void form.submit();
    await tick(20);
    equal(stub.calls.length, 1, 'exactly one confirm request');

    const [call] = stub.calls;
    equal(call!.method, 'POST');
    equal(new URL(call!.url, location.href).pathname, '/v1/checkout/sessions/cs_test1/confirm');
    equal(call!.headers['authorization'], `Bearer ${KEY}`);
    equal(call!.headers['x-client-secret'], SECRET);
    equal(call!.headers['x-paykit-parent-origin'], location.origin);
    equal(call!.headers['content-type'], 'application/json');
    match(call!.headers['idempotency-key'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    deepEqual(call!.body, {
      payment_method: {
        type: 'card',
        card: { number: '4242424242424242', exp_month: 12, exp_year: 2000 + Number(FUTURE_YY), cvc: '123', name: 'Ada Lovelace' },
      },
    });

    answer.resolve(jsonResponse(payment()));
    await waitFor(() => outcomes.length === 1, 'the outcome event');
    deepEqual(outcomes[0], { kind: 'succeeded', paymentId: 'pay_1', status: 'succeeded' });
  });

  it('sends the email when the session asks for one', async () => {
    stub = stubFetch(() => jsonResponse(payment()));
    const form = await mountForm({ requires_email: true });
    byLabel(form, LABELS.email).focus();
    await sendKeys({ type: 'ada@example.com' });
    await fillValidCard(form);
    await form.submit();
    equal((stub.calls[0]!.body as { email?: string }).email, 'ada@example.com');
  });

  it('shows a decline above the form, flags the fields the server names, and lets the buyer retry', async () => {
    const declined = payment({
      status: 'failed',
      error: { code: 'invalid_fields', message: 'Some card details were rejected.', fields: { 'card.cvc': 'The security code is wrong.', 'card.exp_year': 'Expired card.' } },
    });
    stub = stubFetch(() => jsonResponse(declined));
    const form = await mountForm();
    const outcomes: Outcome[] = [];
    form.addEventListener('pay-form-outcome', (e) => outcomes.push((e as CustomEvent<Outcome>).detail));
    await fillValidCard(form);
    await form.submit();
    await settle(form);

    equal(alertText(form), 'Some card details were rejected.');
    const cvc = byLabel(form, LABELS.cvc);
    equal(visibleError(cvc), 'The security code is wrong.');
    equal(cvc.getAttribute('aria-invalid'), 'true');
    equal(visibleError(byLabel(form, LABELS.expiry)), 'Expired card.');
    equal(visibleError(byLabel(form, LABELS.number)), null);
    equal(form.shadowRoot!.activeElement, byLabel(form, LABELS.expiry), 'focus on the first flagged field');
    equal(payButton(form).disabled, false, 'enabled again');
    equal(outcomes[0]?.kind, 'failed');
    await expectNoAxeViolations(form);

    // Editing a flagged field clears the server's message for it.
    cvc.focus();
    cvc.select();
    await sendKeys({ type: '321' });
    await settle(form);
    equal(visibleError(cvc), null);

    // A retry is a new attempt with a new idempotency key.
    await form.submit();
    equal(stub.calls.length, 2);
    notEqual(stub.calls[0]!.headers['idempotency-key'], stub.calls[1]!.headers['idempotency-key']);
  });

  it('maps an API validation error naming a field onto that field', async () => {
    stub = stubFetch(() =>
      jsonResponse({ error: { type: 'invalid_request_error', code: 'invalid_card', message: 'Card number is not valid.', param: 'payment_method.card.number' } }, 400),
    );
    const form = await mountForm();
    await fillValidCard(form);
    await form.submit();
    await settle(form);
    equal(visibleError(byLabel(form, LABELS.number)), 'Card number is not valid.');
  });

  it('explains a network failure in plain words and keeps the form usable', async () => {
    stub = stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const form = await mountForm();
    await fillValidCard(form);
    await form.submit();
    await settle(form);
    match(alertText(form), /could not reach the payment service/);
    equal(payButton(form).disabled, false);
    equal(form.shadowRoot!.querySelector('[role="alert"]')!.checkVisibility(), true);
  });

  it('does not show server internals for a 5xx', async () => {
    stub = stubFetch(() => jsonResponse({ error: { type: 'api_error', code: 'internal', message: 'TypeError at db.ts:12' } }, 500));
    const form = await mountForm();
    await fillValidCard(form);
    await form.submit();
    await settle(form);
    match(alertText(form), /Something went wrong on our side/);
  });

  it('reports completeness and brand changes, only when they change', async () => {
    const form = await mountForm();
    const changes: FormChange[] = [];
    form.addEventListener('pay-form-change', (e) => changes.push((e as CustomEvent<FormChange>).detail));
    await fillValidCard(form);
    deepEqual(changes, [
      { complete: false, empty: false, brand: null },
      { complete: false, empty: false, brand: 'visa' },
      { complete: true, empty: false, brand: 'visa' },
    ]);
  });

  it('can be completed and paid with the keyboard alone', async () => {
    stub = stubFetch(() => jsonResponse(payment()));
    const before = document.createElement('button');
    before.textContent = 'Before';
    document.body.prepend(before);
    try {
      const form = await mountForm();
      before.focus();
      await sendKeys({ press: 'Tab' });
      equal(form.shadowRoot!.activeElement, byLabel(form, LABELS.number));
      await sendKeys({ type: '4242424242424242' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: `12${FUTURE_YY}` });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: '123' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: 'Ada Lovelace' });
      await sendKeys({ press: 'Tab' });
      equal(form.shadowRoot!.activeElement, payButton(form), 'Tab reaches the pay button');
      await sendKeys({ press: 'Enter' });
      await waitFor(() => stub!.calls.length === 1, 'the confirm request');
    } finally {
      before.remove();
    }
  });

  it('has no axe violations, empty or with errors showing', async () => {
    const form = await mountForm({ requires_email: true });
    await expectNoAxeViolations(form);
    await form.submit();
    await settle(form);
    await expectNoAxeViolations(form);
  });
  it('a failure the app learns later (e.g. a canceled 3-D Secure challenge) ends the attempt: shown, and the buyer can retry', async () => {
    stub = stubFetch(() => jsonResponse(payment({ status: 'requires_action', next_action: { type: 'three_ds_challenge', url: 'https://acs.example/c', expires_at: new Date(Date.now() + 60_000).toISOString() } })));
    const form = await mountForm();
    const outcomes: Outcome[] = [];
    form.addEventListener('pay-form-outcome', (e) => outcomes.push((e as CustomEvent<Outcome>).detail));
    await fillValidCard(form);
    await form.submit();
    equal(outcomes[0]?.kind, 'challenge');
    ok(payButton(form).disabled, 'still paying while the challenge is up');
    form.failure = { kind: 'failed', code: 'challenge_canceled', message: 'The authentication with your bank was canceled. Please try again.', paymentId: 'pay_1', fields: null };
    await settle(form);
    equal(alertText(form), 'The authentication with your bank was canceled. Please try again.');
    equal(payButton(form).disabled, false);
    equal(byLabel(form, LABELS.number).readOnly, false);
    await form.submit();
    equal(stub.calls.length, 2, 'a second attempt');
  });
});
