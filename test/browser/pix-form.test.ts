/** `<pay-pix-form>`: validation, one confirm with the PIX body, outcomes, server field errors, regenerate(). */
import { sendKeys } from '@web/test-runner-commands';
import type { PublicPayment } from '../../contract/api.ts';
import type { FormChange } from '../../widget/frame/card-form/card-form.ts';
import type { PayPixForm } from '../../widget/frame/pix/pix-form.ts';
import type { Outcome } from '../../widget/lib/outcome.ts';
import { deepEqual, equal, match, notEqual, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { deferred, jsonResponse, stubFetch, type FetchStub } from './helpers/fetch-stub.ts';
import { alertText, byLabel, description, KEY, payButton, payment, SECRET, settle, typeInto, unmountAll, visibleError } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { mountPixForm, PIX_LABELS as LABELS } from './helpers/pix-form.ts';
import { tick, waitFor } from './helpers/wait.ts';

const QR = '00020101021226910014br.gov.bcb.pix2569pix.sandbox.pagou.example/qr/v2/cobv/9f1c2b7e4a6d4f0e8b3a5c7d9e1f2a3b520400005303986540515.005802BR5912Loja Exemplo6009SAO PAULO62070503***6304270E';
const EXPIRES = '2030-01-01T12:15:00.000Z';

const pixPayment = (overrides: Partial<PublicPayment> = {}): PublicPayment =>
  payment({
    id: 'pay_pix1',
    status: 'requires_action',
    currency: 'BRL',
    method: 'pix',
    installments: null,
    next_action: { type: 'pix', qr_code: QR, expires_at: EXPIRES },
    ...overrides,
  });

async function fillValid(form: PayPixForm): Promise<void> {
  if (form.session?.requires_email) await typeInto(form, byLabel(form, LABELS.email), 'ana@example.com.br');
  await typeInto(form, byLabel(form, LABELS.name), 'Ana Souza');
  await typeInto(form, byLabel(form, LABELS.document), '52998224725');
  if (form.session?.collect_phone) await typeInto(form, byLabel(form, LABELS.phone), '11912345678');
}

function collectOutcomes(form: PayPixForm): Outcome[] {
  const outcomes: Outcome[] = [];
  form.addEventListener('pay-form-outcome', (e) => outcomes.push((e as CustomEvent<Outcome>).detail));
  return outcomes;
}

describe('PIX form', () => {
  let stub: FetchStub | undefined;
  afterEach(() => {
    stub?.restore();
    stub = undefined;
    unmountAll();
  });

  it('asks for name and CPF/CNPJ, plus email and phone only when the session wants them', async () => {
    const plain = await mountPixForm();
    const labels = (form: PayPixForm) => [...form.shadowRoot!.querySelectorAll('label')].map((l) => l.textContent?.trim());
    deepEqual(labels(plain), [LABELS.name, LABELS.document]);
    const full = await mountPixForm({ requires_email: true, collect_phone: true });
    deepEqual(labels(full), [LABELS.email, LABELS.name, LABELS.document, LABELS.phone]);
    equal(byLabel(full, LABELS.name).autocomplete, 'name');
  });

  it('says what the button does, with the amount for the currency and locale', async () => {
    equal(payButton(await mountPixForm()).textContent?.trim(), 'Pay R$15.00 with PIX');
    equal(payButton(await mountPixForm({}, 'pt-BR')).textContent?.trim(), 'Pay R$\u00a015,00 with PIX');
  });

  it('on submit with mistakes, flags every field, focuses the first one and sends nothing', async () => {
    stub = stubFetch(() => jsonResponse(pixPayment()));
    const form = await mountPixForm({ requires_email: true, collect_phone: true });
    await typeInto(form, byLabel(form, LABELS.document), '52998224724'); // wrong check digit
    await form.submit();
    await settle(form);
    equal(visibleError(byLabel(form, LABELS.email)), 'Enter your email address.');
    equal(visibleError(byLabel(form, LABELS.name)), 'Enter your full name.');
    equal(visibleError(byLabel(form, LABELS.document)), 'Your CPF or CNPJ is invalid.');
    equal(visibleError(byLabel(form, LABELS.phone)), 'Enter your phone number.');
    for (const label of Object.values(LABELS)) equal(byLabel(form, label).getAttribute('aria-invalid'), 'true', label);
    equal(form.shadowRoot!.activeElement, byLabel(form, LABELS.email), 'first invalid field focused');
    equal(stub.calls.length, 0);
  });

  it('confirms once with the PIX payer and email, and answers with the code to show', async () => {
    const answer = deferred<Response>();
    stub = stubFetch(() => answer.promise);
    const form = await mountPixForm({ requires_email: true, collect_phone: true });
    const outcomes = collectOutcomes(form);
    await fillValid(form);
    await sendKeys({ press: 'Enter' });
    await waitFor(() => stub!.calls.length === 1, 'the confirm request');
    await settle(form);
    ok(payButton(form).disabled, 'button disabled while paying');
    ok(byLabel(form, LABELS.document).readOnly, 'fields locked while paying');

    await sendKeys({ press: 'Enter' });
    payButton(form).click();
    form.shadowRoot!.querySelector('form')!.requestSubmit();
    void form.submit();
    void form.regenerate();
    await tick(20);
    equal(stub.calls.length, 1, 'exactly one confirm request');

    const [call] = stub.calls;
    equal(call!.method, 'POST');
    equal(new URL(call!.url, location.href).pathname, '/v1/checkout/sessions/cs_test1/confirm');
    equal(call!.headers['authorization'], `Bearer ${KEY}`);
    equal(call!.headers['x-client-secret'], SECRET);
    match(call!.headers['idempotency-key'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    deepEqual(call!.body, {
      payment_method: { type: 'pix', pix: { name: 'Ana Souza', document: '52998224725', phone: '+5511912345678' } },
      email: 'ana@example.com.br',
    });

    answer.resolve(jsonResponse(pixPayment()));
    await waitFor(() => outcomes.length === 1, 'the outcome event');
    deepEqual(outcomes[0], { kind: 'pix', paymentId: 'pay_pix1', qrCode: QR, expiresAt: EXPIRES });
    await form.submit();
    equal(stub.calls.length, 1, 'a form that created a payment does not pay again');
  });

  it('sends a CNPJ as digits, and neither phone nor email when the session does not ask', async () => {
    stub = stubFetch(() => jsonResponse(pixPayment()));
    const form = await mountPixForm();
    await typeInto(form, byLabel(form, LABELS.name), 'Exemplo Comércio Ltda');
    await typeInto(form, byLabel(form, LABELS.document), '11.222.333/0001-81');
    await form.submit();
    deepEqual(stub.calls[0]!.body, { payment_method: { type: 'pix', pix: { name: 'Exemplo Comércio Ltda', document: '11222333000181' } } });
  });

  it('shows the server’s messages next to the PIX fields it names, and lets the buyer retry', async () => {
    const refused = pixPayment({
      status: 'failed',
      next_action: null,
      error: { code: 'invalid_fields', message: 'Some details were rejected.', fields: { 'pix.document': 'This CPF is not registered.', 'pix.phone': 'Unknown number.' } },
    });
    stub = stubFetch(() => jsonResponse(refused));
    const form = await mountPixForm({ collect_phone: true });
    const outcomes = collectOutcomes(form);
    await fillValid(form);
    await form.submit();
    await settle(form);
    equal(alertText(form), 'Some details were rejected.');
    const documentInput = byLabel(form, LABELS.document);
    equal(visibleError(documentInput), 'This CPF is not registered.');
    equal(documentInput.getAttribute('aria-invalid'), 'true');
    ok(description(documentInput).includes('This CPF is not registered.'), 'the message describes the input');
    equal(visibleError(byLabel(form, LABELS.phone)), 'Unknown number.');
    equal(visibleError(byLabel(form, LABELS.name)), null);
    equal(form.shadowRoot!.activeElement, documentInput, 'focus on the first flagged field');
    equal(payButton(form).disabled, false, 'enabled again');
    equal(outcomes[0]?.kind, 'failed');
    await expectNoAxeViolations(form);

    await form.submit();
    equal(stub.calls.length, 2, 'a retry');
    notEqual(stub.calls[0]!.headers['idempotency-key'], stub.calls[1]!.headers['idempotency-key']);
  });

  it('maps an API validation error on payment_method.pix.document onto the document field', async () => {
    stub = stubFetch(() =>
      jsonResponse({ error: { type: 'invalid_request_error', code: 'invalid_document', message: 'must be a CPF or CNPJ', param: 'payment_method.pix.document' } }, 400),
    );
    const form = await mountPixForm();
    await fillValid(form);
    await form.submit();
    await settle(form);
    equal(visibleError(byLabel(form, LABELS.document)), 'must be a CPF or CNPJ');
  });

  it('explains a network failure and keeps the form usable', async () => {
    stub = stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const form = await mountPixForm();
    await fillValid(form);
    await form.submit();
    await settle(form);
    match(alertText(form), /could not reach the payment service/);
    equal(payButton(form).disabled, false);
  });

  it('regenerate() confirms again with the same payer, even off screen, and fires the new outcome', async () => {
    let n = 0;
    stub = stubFetch(() => jsonResponse(pixPayment({ id: `pay_pix${++n}`, next_action: { type: 'pix', qr_code: `${QR}#${n}`, expires_at: EXPIRES } })));
    const form = await mountPixForm({ requires_email: true, collect_phone: true });
    const outcomes = collectOutcomes(form);
    await fillValid(form);
    await form.submit();
    form.remove(); // the app shows the code instead of the form

    const [again, ignored] = await Promise.all([form.regenerate(), form.regenerate()]);
    equal(ignored, null, 'a second call while one is in flight is ignored');
    deepEqual(again, { kind: 'pix', paymentId: 'pay_pix2', qrCode: `${QR}#2`, expiresAt: EXPIRES });
    equal(stub.calls.length, 2);
    deepEqual(stub.calls[1]!.body, stub.calls[0]!.body, 'the same payer details');
    notEqual(stub.calls[0]!.headers['idempotency-key'], stub.calls[1]!.headers['idempotency-key'], 'a new attempt');
    deepEqual(outcomes.map((o) => o.kind), ['pix', 'pix']);
  });

  it('is usable again when shown with a failure after its payment failed (an expired code)', async () => {
    stub = stubFetch(() => jsonResponse(pixPayment()));
    const form = await mountPixForm();
    await fillValid(form);
    await form.submit();
    ok(payButton(form).disabled);
    form.failure = { kind: 'failed', code: 'payment_expired', message: 'The PIX code expired before it was paid.', paymentId: 'pay_pix1', fields: null };
    await settle(form);
    equal(alertText(form), 'The PIX code expired before it was paid.');
    equal(payButton(form).disabled, false);
    await form.submit();
    equal(stub.calls.length, 2);
  });

  it('reports completeness changes only when they change', async () => {
    const form = await mountPixForm();
    const changes: FormChange[] = [];
    form.addEventListener('pay-form-change', (e) => changes.push((e as CustomEvent<FormChange>).detail));
    await fillValid(form);
    deepEqual(changes, [
      { complete: false, empty: false, brand: null },
      { complete: true, empty: false, brand: null },
    ]);
  });

  it('can be completed and paid with the keyboard alone', async () => {
    stub = stubFetch(() => jsonResponse(pixPayment()));
    const form = await mountPixForm({ collect_phone: true });
    byLabel(form, LABELS.name).focus();
    await sendKeys({ type: 'Ana Souza' });
    await sendKeys({ press: 'Tab' });
    equal(form.shadowRoot!.activeElement, byLabel(form, LABELS.document));
    await sendKeys({ type: '52998224725' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '1123456789' });
    await sendKeys({ press: 'Tab' });
    equal(form.shadowRoot!.activeElement, payButton(form), 'Tab reaches the pay button');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => stub!.calls.length === 1, 'the confirm request');
    equal((stub.calls[0]!.body as { payment_method: { pix: { phone: string } } }).payment_method.pix.phone, '+551123456789');
  });

  it('has no axe violations, empty or with errors showing', async () => {
    const form = await mountPixForm({ requires_email: true, collect_phone: true });
    await expectNoAxeViolations(form);
    await form.submit();
    await settle(form);
    await expectNoAxeViolations(form);
  });
});
