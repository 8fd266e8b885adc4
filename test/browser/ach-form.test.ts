/** `<pay-ach-form>`: US bank account fields as typed, the mandate, one confirm with the ACH body, declines and server field errors. */
import { sendKeys } from '@web/test-runner-commands';
import type { PublicPayment } from '../../contract/api.ts';
import type { PayAchForm } from '../../widget/frame/ach/ach-form.ts';
import type { FormChange } from '../../widget/frame/forms/payment-form.ts';
import { setLocale } from '../../widget/i18n/index.ts';
import type { Outcome } from '../../widget/lib/outcome.ts';
import { findAxNode } from './helpers/a11y.ts';
import {
  ACCOUNT,
  ACH_LABELS as LABELS,
  accountType,
  fillValidAch,
  MANDATE,
  mandateBox,
  mandateError,
  mountAchForm,
  pressKey,
  ROUTING,
  settleForm,
  typeIn,
  unmountForms,
} from './helpers/ach-form.ts';
import { deepEqual, equal, match, notEqual, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { deferred, jsonResponse, stubFetch, type FetchStub } from './helpers/fetch-stub.ts';
import { alertText, byLabel, description, payButton, payment, visibleError } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { tick, waitFor } from './helpers/wait.ts';

const achPayment = (overrides: Partial<PublicPayment> = {}): PublicPayment =>
  payment({ id: 'pay_ach1', status: 'processing', method: 'ach', installments: null, ...overrides });

const declined = (message: string) =>
  achPayment({ status: 'failed', error: { code: 'bank_account_declined', message } });

function collectOutcomes(form: PayAchForm): Outcome[] {
  const outcomes: Outcome[] = [];
  form.addEventListener('pay-form-outcome', (e) => outcomes.push((e as CustomEvent<Outcome>).detail));
  return outcomes;
}

const PT_LABELS = {
  email: 'Email',
  holder: 'Nome do titular da conta',
  routing: 'Número de roteamento (ABA)',
  account: 'Número da conta',
  confirm: 'Confirme o número da conta',
} as const;

const labels = (form: PayAchForm) => [...form.shadowRoot!.querySelectorAll('label, legend')].map((l) => l.textContent?.trim());

describe('ACH form', () => {
  let stub: FetchStub | undefined;
  afterEach(async () => {
    stub?.restore();
    stub = undefined;
    unmountForms();
    await setLocale('en');
  });

  it('asks for the holder, routing and account numbers, account type and authorization; email only when needed', async () => {
    const plain = await mountAchForm();
    deepEqual(labels(plain), [LABELS.holder, LABELS.routing, LABELS.account, LABELS.confirm, 'Account type', 'Checking', 'Savings', 'I authorize this debit']);
    const withEmail = await mountAchForm({ requires_email: true });
    equal(labels(withEmail)[0], LABELS.email);
    equal(byLabel(plain, LABELS.holder).autocomplete, 'name');
    for (const label of [LABELS.routing, LABELS.account, LABELS.confirm]) {
      equal(byLabel(plain, label).inputMode, 'numeric', label);
      equal(byLabel(plain, label).autocomplete, 'off', label);
    }
    ok(await findAxNode((n) => n.role === 'textbox' && n.name === LABELS.routing), 'a textbox named "Routing number"');
    equal(payButton(plain).textContent?.trim(), 'Pay $15.00 by bank transfer');
    await expectNoAxeViolations(withEmail);
  });

  describe('routing number', () => {
    it('takes digits only, at most 9, and accepts a valid ABA number without a word', async () => {
      const form = await mountAchForm();
      const input = byLabel(form, LABELS.routing);
      await typeIn(form, input, '021-000 0219');
      equal(input.value, ROUTING, 'separators and the 10th digit dropped');
      equal(form.shadowRoot!.querySelector('pay-routing-number')!.digits, ROUTING);
      await pressKey(form, 'Tab');
      equal(visibleError(input), null);
      equal(input.getAttribute('aria-invalid'), 'false');
    });

    it('accepts other valid routing numbers (a thrift, a Federal Reserve bank)', async () => {
      for (const valid of ['322271627', '011000015', '091000019']) {
        const form = await mountAchForm();
        const input = byLabel(form, LABELS.routing);
        await typeIn(form, input, valid);
        await pressKey(form, 'Tab');
        equal(visibleError(input), null, valid);
      }
    });

    it('flags 9 digits that fail the checksum at once, while the buyer is still in the field', async () => {
      const form = await mountAchForm();
      const input = byLabel(form, LABELS.routing);
      await typeIn(form, input, '02100002');
      equal(visibleError(input), null, 'not flagged while unfinished');
      await typeIn(form, input, '2');
      equal(form.shadowRoot!.activeElement, input, 'still typing');
      equal(visibleError(input), 'This routing number is invalid.');
      equal(input.getAttribute('aria-invalid'), 'true');
      ok(description(input).includes('This routing number is invalid.'), 'the error describes the input');
      await pressKey(form, 'Backspace');
      equal(visibleError(input), null, 'back to unfinished: no error while typing');
      await typeIn(form, input, '1');
      equal(visibleError(input), null, 'fixed');
      await expectNoAxeViolations(form);
    });

    it('refuses 490000018: its checksum passes but 49 is not a Federal Reserve prefix', async () => {
      const form = await mountAchForm();
      const input = byLabel(form, LABELS.routing);
      await typeIn(form, input, '490000018');
      equal(visibleError(input), 'This routing number is invalid.');
    });

    it('says an unfinished number is too short only once the buyer leaves it; empty only on submit', async () => {
      const passed = await mountAchForm();
      byLabel(passed, LABELS.routing).focus();
      await pressKey(passed, 'Tab');
      equal(visibleError(byLabel(passed, LABELS.routing)), null, 'tabbing through is no mistake');

      const form = await mountAchForm();
      const input = byLabel(form, LABELS.routing);
      await typeIn(form, input, '0210');
      equal(visibleError(input), null);
      await pressKey(form, 'Tab');
      equal(visibleError(input), 'A routing number has 9 digits.');
      input.select();
      await pressKey(form, 'Backspace');
      await form.submit();
      await settleForm(form);
      equal(visibleError(input), 'Enter the routing number.');
    });
  });

  describe('account number', () => {
    it('takes 4 to 17 digits: fewer is flagged on leaving, more are not typed', async () => {
      const form = await mountAchForm();
      const input = byLabel(form, LABELS.account);
      await typeIn(form, input, '123');
      await pressKey(form, 'Tab');
      equal(visibleError(input), 'An account number has 4 to 17 digits.');
      await typeIn(form, input, '4');
      equal(visibleError(input), null, '4 digits are enough');
      input.select();
      await typeIn(form, input, '12345678901234567890');
      equal(input.value, '12345678901234567', 'stops at 17 digits');
      equal(visibleError(input), null);
    });

    it('must be typed twice the same: a different one is flagged on leaving, fixed as soon as it matches', async () => {
      const form = await mountAchForm();
      const confirm = byLabel(form, LABELS.confirm);
      await typeIn(form, byLabel(form, LABELS.account), ACCOUNT);
      await typeIn(form, confirm, ACCOUNT.slice(0, 6));
      equal(visibleError(confirm), null, 'a beginning of it is not flagged while typing');
      await typeIn(form, confirm, '0');
      await pressKey(form, 'Tab');
      equal(visibleError(confirm), "The account numbers don't match.");
      ok(description(confirm).includes("don't match"));
      confirm.select();
      await typeIn(form, confirm, ACCOUNT);
      equal(visibleError(confirm), null);
      // Changing the first one afterwards un-matches the second.
      await typeIn(form, byLabel(form, LABELS.account), '9');
      equal(visibleError(confirm), "The account numbers don't match.");
    });
  });

  it('offers checking or savings as a labelled radio group, checking first and chosen', async () => {
    const form = await mountAchForm();
    const checking = accountType(form, 'Checking');
    ok(checking.checked, 'checking by default');
    equal(checking.closest('fieldset')?.querySelector('legend')?.textContent, 'Account type', 'the group is named by its legend');
    equal(accountType(form, 'Savings').name, checking.name, 'one group');
    checking.focus();
    await pressKey(form, 'ArrowRight');
    ok(accountType(form, 'Savings').checked, 'arrow keys choose, as in any radio group');
    equal(form.accountType, 'savings');
  });

  it('shows the authorization text verbatim in a reachable box, and links the checkbox to it', async () => {
    const form = await mountAchForm();
    const box = form.shadowRoot!.querySelector<HTMLElement>('[role="region"]')!;
    equal(box.textContent, MANDATE, 'the text, exactly');
    equal(getComputedStyle(box).whiteSpace, 'pre-line', 'its line breaks kept');
    equal(box.tabIndex, 0, 'keyboard users can reach and scroll it');
    ok(await findAxNode((n) => n.role === 'region' && n.name === 'Authorization'), 'a region named "Authorization"');
    const checkbox = mandateBox(form);
    equal(checkbox.type, 'checkbox');
    equal(checkbox.checked, false, 'never ticked for the buyer');
    equal(description(checkbox), MANDATE, 'the checkbox is described by what it accepts');
    ok(await findAxNode((n) => n.role === 'checkbox' && n.name === 'I authorize this debit'));
    ok(checkbox.required, 'required');
  });

  it('keeps a long authorization scrollable instead of stretching the frame', async () => {
    const form = await mountAchForm({ ach_mandate: `${MANDATE}\n`.repeat(8) });
    const box = form.shadowRoot!.querySelector<HTMLElement>('[role="region"]')!;
    ok(box.scrollHeight > box.clientHeight, 'it scrolls');
    ok(box.clientHeight < 200, `at most a few lines high (${box.clientHeight}px)`);
    await expectNoAxeViolations(form);
  });

  it('will not pay without the authorization: names the checkbox, focuses it, sends nothing', async () => {
    stub = stubFetch(() => jsonResponse(achPayment()));
    const form = await mountAchForm();
    await fillValidAch(form, { accept: false });
    equal(mandateError(form), null, 'not flagged before submit');
    await form.submit();
    await settleForm(form);
    equal(mandateError(form), 'Check “I authorize this debit” to pay.');
    const checkbox = mandateBox(form);
    equal(checkbox.getAttribute('aria-invalid'), 'true');
    ok(description(checkbox).endsWith('Check “I authorize this debit” to pay.'), 'the error describes the checkbox');
    equal(form.shadowRoot!.activeElement, checkbox, 'focus on the checkbox');
    equal(stub.calls.length, 0);
    await expectNoAxeViolations(form);
    await pressKey(form, 'Space');
    equal(mandateError(form), null, 'ticking it clears the error');
    await form.submit();
    equal(stub.calls.length, 1);
  });

  it('on submit with mistakes, flags every field, focuses the first one and sends nothing', async () => {
    stub = stubFetch(() => jsonResponse(achPayment()));
    const form = await mountAchForm({ requires_email: true });
    await form.submit();
    await settleForm(form);
    equal(visibleError(byLabel(form, LABELS.email)), 'Enter your email address.');
    equal(visibleError(byLabel(form, LABELS.holder)), "Enter the account holder's name.");
    equal(visibleError(byLabel(form, LABELS.routing)), 'Enter the routing number.');
    equal(visibleError(byLabel(form, LABELS.account)), 'Enter the account number.');
    equal(visibleError(byLabel(form, LABELS.confirm)), 'Enter the account number again.');
    equal(mandateError(form), 'Check “I authorize this debit” to pay.');
    equal(form.shadowRoot!.activeElement, byLabel(form, LABELS.email));
    equal(stub.calls.length, 0);
    await expectNoAxeViolations(form);
  });

  it('confirms once with the ACH body and the email', async () => {
    const answer = deferred<Response>();
    stub = stubFetch(() => answer.promise);
    const form = await mountAchForm({ requires_email: true });
    const outcomes = collectOutcomes(form);
    await fillValidAch(form);
    accountType(form, 'Savings').click();
    await settleForm(form);
    void form.submit();
    await waitFor(() => stub!.calls.length === 1, 'the confirm request');
    await settleForm(form);
    ok(payButton(form).disabled, 'button disabled while paying');
    ok(byLabel(form, LABELS.routing).readOnly, 'fields locked while paying');
    ok(mandateBox(form).disabled && accountType(form, 'Checking').disabled, 'choices locked too');
    payButton(form).click();
    void form.submit();
    await tick(20);
    equal(stub.calls.length, 1, 'exactly one confirm request');
    const [call] = stub.calls;
    equal(new URL(call!.url, location.href).pathname, '/v1/checkout/sessions/cs_test1/confirm');
    deepEqual(call!.body, {
      payment_method: {
        type: 'ach',
        ach: { routing_number: ROUTING, account_number: ACCOUNT, account_type: 'savings', holder_name: 'Ada Lovelace', mandate_accepted: true },
      },
      email: 'ada@example.com',
    });
    answer.resolve(jsonResponse(achPayment()));
    await waitFor(() => outcomes.length === 1, 'the outcome');
    deepEqual(outcomes[0], { kind: 'processing', paymentId: 'pay_ach1' });
  });

  it('sends checking by default, and no email when the session has one', async () => {
    stub = stubFetch(() => jsonResponse(achPayment()));
    const form = await mountAchForm();
    await fillValidAch(form);
    await sendKeys({ press: 'Enter' }); // Enter on the checkbox submits the form, like on any field
    await waitFor(() => stub!.calls.length === 1, 'the confirm request');
    const body = stub.calls[0]!.body as { payment_method: { ach: { account_type: string } }; email?: string };
    equal(body.payment_method.ach.account_type, 'checking');
    equal(body.email, undefined);
  });

  it('shows a decline with the bank’s reason, and lets the buyer try again', async () => {
    stub = stubFetch(() => jsonResponse(declined('The bank account was closed.')));
    const form = await mountAchForm();
    const outcomes = collectOutcomes(form);
    await fillValidAch(form);
    payButton(form).focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => alertText(form), 'the decline');
    await settleForm(form);
    equal(alertText(form), 'The bank account was closed.');
    equal(payButton(form).disabled, false);
    equal(form.shadowRoot!.activeElement, payButton(form), 'focus back on the button');
    deepEqual(outcomes.map((o) => o.kind), ['failed']);
    await form.submit();
    equal(stub.calls.length, 2, 'a retry');
    notEqual(stub.calls[0]!.headers['idempotency-key'], stub.calls[1]!.headers['idempotency-key']);
  });

  it('says a decline in Portuguese, and a plain sentence when the server gives none', async () => {
    stub = stubFetch(() => jsonResponse(declined('R01 insufficient funds')));
    await setLocale('pt-BR');
    const pt = await mountAchForm({}, 'pt-BR');
    await fillValidAch(pt, { labels: PT_LABELS });
    await pt.submit();
    await settleForm(pt);
    equal(alertText(pt), 'Não foi possível debitar sua conta bancária. Confira os dados ou pague de outra forma.');
    await setLocale('en');
    const en = await mountAchForm();
    en.failure = { kind: 'failed', code: 'bank_account_declined', message: null, paymentId: 'pay_ach1', fields: null };
    await settleForm(en);
    equal(alertText(en), 'Your bank account could not be debited. Check its details or pay another way.');
  });

  it('shows the server’s messages next to the ACH fields it names', async () => {
    const refused = achPayment({
      status: 'failed',
      error: {
        code: 'invalid_payment_details',
        message: 'Some details were rejected.',
        fields: { 'ach.account_number': 'No account with this number.', 'ach.holder_name': 'The name does not match the account.' },
      },
    });
    stub = stubFetch(() => jsonResponse(refused));
    const form = await mountAchForm();
    await fillValidAch(form);
    await form.submit();
    await settleForm(form);
    equal(alertText(form), 'Some details were rejected.');
    const account = byLabel(form, LABELS.account);
    equal(visibleError(account), 'No account with this number.');
    equal(account.getAttribute('aria-invalid'), 'true');
    equal(visibleError(byLabel(form, LABELS.holder)), 'The name does not match the account.');
    equal(visibleError(byLabel(form, LABELS.routing)), null);
    equal(form.shadowRoot!.activeElement, byLabel(form, LABELS.holder), 'focus on the first flagged field');
    await expectNoAxeViolations(form);
    await typeIn(form, account, '0');
    equal(visibleError(account), null, 'editing the field clears the server message');
  });

  it('maps an API validation error on payment_method.ach.routing_number onto the routing field', async () => {
    stub = stubFetch(() =>
      jsonResponse({ error: { type: 'invalid_request_error', code: 'invalid_routing_number', message: 'is not a valid ABA routing number', param: 'payment_method.ach.routing_number' } }, 400),
    );
    const form = await mountAchForm();
    await fillValidAch(form);
    await form.submit();
    await settleForm(form);
    const routing = byLabel(form, LABELS.routing);
    equal(visibleError(routing), 'is not a valid ABA routing number');
    equal(form.shadowRoot!.activeElement, routing);
  });

  it('maps a refused authorization onto the checkbox', async () => {
    stub = stubFetch(() =>
      jsonResponse({ error: { type: 'invalid_request_error', code: 'mandate_required', message: 'The authorization was not accepted.', param: 'payment_method.ach.mandate_accepted' } }, 400),
    );
    const form = await mountAchForm();
    await fillValidAch(form);
    await form.submit();
    await settleForm(form);
    equal(mandateError(form), 'The authorization was not accepted.');
    equal(form.shadowRoot!.activeElement, mandateBox(form));
  });

  it('reports completeness: only complete once the authorization is ticked', async () => {
    const form = await mountAchForm();
    const changes: FormChange[] = [];
    form.addEventListener('pay-form-change', (e) => changes.push((e as CustomEvent<FormChange>).detail));
    await fillValidAch(form, { accept: false });
    deepEqual(changes, [{ complete: false, empty: false, brand: null }]);
    mandateBox(form).click();
    await settleForm(form);
    deepEqual(changes.at(-1), { complete: true, empty: false, brand: null });
  });

  it('can be completed and paid with the keyboard alone', async () => {
    stub = stubFetch(() => jsonResponse(achPayment()));
    const form = await mountAchForm();
    byLabel(form, LABELS.holder).focus();
    await sendKeys({ type: 'Ada Lovelace' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: ROUTING });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: ACCOUNT });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: ACCOUNT });
    await sendKeys({ press: 'Tab' });
    equal(form.shadowRoot!.activeElement, accountType(form, 'Checking'), 'then the account type');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Tab' });
    equal(form.shadowRoot!.activeElement?.getAttribute('role'), 'region', 'then the authorization text');
    await sendKeys({ press: 'Tab' });
    equal(form.shadowRoot!.activeElement, mandateBox(form));
    await sendKeys({ press: 'Space' });
    await sendKeys({ press: 'Tab' });
    equal(form.shadowRoot!.activeElement, payButton(form), 'Tab reaches the pay button');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => stub!.calls.length === 1, 'the confirm request');
    const body = stub.calls[0]!.body as { payment_method: { ach: Record<string, unknown> } };
    deepEqual(body.payment_method.ach, { routing_number: ROUTING, account_number: ACCOUNT, account_type: 'savings', holder_name: 'Ada Lovelace', mandate_accepted: true });
  });

  it('speaks Portuguese', async () => {
    await setLocale('pt-BR');
    const form = await mountAchForm({}, 'pt-BR');
    equal(payButton(form).textContent?.trim(), 'Pagar US$\u00a015,00 por transferência bancária');
    ok(byLabel(form, 'Número de roteamento (ABA)'));
    ok(byLabel(form, 'Autorizo este débito'));
    await form.submit();
    await settleForm(form);
    match(mandateError(form), /Autorizo este débito/);
  });

  it('without an authorization text from the server, says the method is unavailable and never pays', async () => {
    stub = stubFetch(() => jsonResponse(achPayment()));
    const form = await mountAchForm({ ach_mandate: null });
    match(alertText(form), /not available right now/);
    equal(form.shadowRoot!.querySelector('button'), null);
    await form.submit(); // what the host's submit() does
    equal(stub.calls.length, 0);
  });
});
