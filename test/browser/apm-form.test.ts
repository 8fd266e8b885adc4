/** `<pay-apm-form>`: Alipay / WeChat Pay / PayPal: what the buyer is told, the confirm body, the redirect outcome. */
import { sendKeys } from '@web/test-runner-commands';
import type { PublicPayment, PublicSession } from '../../contract/api.ts';
import type { FormChange } from '../../widget/frame/forms/payment-form.ts';
import type { PayApmForm } from '../../widget/frame/apm/apm-form.ts';
import { setLocale } from '../../widget/i18n/index.ts';
import type { Outcome } from '../../widget/lib/outcome.ts';
import { mountApmForm, settleForm, typeIn, unmountForms } from './helpers/ach-form.ts';
import { deepEqual, equal, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { jsonResponse, stubFetch, type FetchStub } from './helpers/fetch-stub.ts';
import { alertText, byLabel, payButton, payment, SESSION, visibleError } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { tick, waitFor } from './helpers/wait.ts';

const PROVIDER_URL = 'https://sandbox.alipay.example/pay?token=abc';

const redirectPayment = (overrides: Partial<PublicPayment> = {}): PublicPayment =>
  payment({ id: 'pay_apm1', status: 'requires_action', method: 'alipay', installments: null, next_action: { type: 'redirect', url: PROVIDER_URL }, ...overrides });

const explanation = (form: PayApmForm) => form.shadowRoot!.querySelector('.explanation')?.textContent?.trim();

function collectOutcomes(form: PayApmForm): Outcome[] {
  const outcomes: Outcome[] = [];
  form.addEventListener('pay-form-outcome', (e) => outcomes.push((e as CustomEvent<Outcome>).detail));
  return outcomes;
}

describe('Redirect method (APM) form', () => {
  let stub: FetchStub | undefined;
  afterEach(async () => {
    stub?.restore();
    stub = undefined;
    unmountForms();
    await setLocale('en');
  });

  it('says where the buyer goes and that they come back, with a button naming the method', async () => {
    const alipay = await mountApmForm('alipay');
    equal(explanation(alipay), "You'll be taken to Alipay to pay $15.00, then brought back here.");
    equal(payButton(alipay).textContent?.trim(), 'Continue to Alipay');
    equal(alipay.shadowRoot!.querySelector('input'), null, 'nothing to fill in');
    equal(payButton(await mountApmForm('wechatpay')).textContent?.trim(), 'Continue to WeChat Pay');
    const paypal = await mountApmForm('paypal');
    equal(explanation(paypal), "You'll be taken to PayPal to pay $15.00, then brought back here.");
    await expectNoAxeViolations(paypal);
  });

  it('tells the host it is complete as soon as it shows, when there is nothing to type; with an email, once it is valid', async () => {
    const changes = async (session: Partial<PublicSession>) => {
      const form = Object.assign(document.createElement('pay-apm-form'), { method: 'paypal' as const, session: { ...SESSION, payment_methods: ['paypal' as const], ...session } });
      const seen: FormChange[] = [];
      form.addEventListener('pay-form-change', (e) => seen.push((e as CustomEvent<FormChange>).detail));
      document.body.append(form);
      await form.updateComplete;
      await tick();
      form.remove();
      return seen;
    };
    deepEqual(await changes({}), [{ complete: true, empty: true, brand: null }]);
    deepEqual(await changes({ requires_email: true }), [], 'an empty email is neither complete nor news');
  });

  it('speaks Portuguese', async () => {
    await setLocale('pt-BR');
    const form = await mountApmForm('paypal', {}, 'pt-BR');
    equal(explanation(form), 'Você será levado ao PayPal para pagar US$\u00a015,00 e depois voltará para cá.');
    equal(payButton(form).textContent?.trim(), 'Continuar para o PayPal');
  });

  it('confirms once with just the method, and answers with the redirect to the provider', async () => {
    stub = stubFetch(() => jsonResponse(redirectPayment()));
    const form = await mountApmForm('alipay');
    const outcomes = collectOutcomes(form);
    payButton(form).focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => outcomes.length === 1, 'the outcome');
    deepEqual(stub.calls[0]!.body, { payment_method: { type: 'alipay' } });
    deepEqual(outcomes[0], { kind: 'redirect', paymentId: 'pay_apm1', url: PROVIDER_URL });
    await settleForm(form);
    ok(payButton(form).disabled, 'stays busy while the page goes to the provider');
    payButton(form).click();
    await form.submit();
    await tick(20);
    equal(stub.calls.length, 1, 'no second payment');
  });

  it('asks for an email when the session needs one, and sends it', async () => {
    stub = stubFetch(() => jsonResponse(redirectPayment({ method: 'wechatpay' })));
    const form = await mountApmForm('wechatpay', { requires_email: true });
    const email = byLabel(form, 'Email');
    await form.submit();
    await settleForm(form);
    equal(visibleError(email), 'Enter your email address.');
    equal(form.shadowRoot!.activeElement, email);
    equal(stub.calls.length, 0);
    await expectNoAxeViolations(form);
    await typeIn(form, email, 'ada@example.com');
    await form.submit();
    deepEqual(stub.calls[0]!.body, { payment_method: { type: 'wechatpay' }, email: 'ada@example.com' });
  });

  it('shows a refusal and lets the buyer try again', async () => {
    let n = 0;
    stub = stubFetch(() =>
      n++ === 0
        ? jsonResponse({ error: { type: 'invalid_request_error', code: 'payment_method_unavailable', message: 'PayPal is not available for this checkout.' } }, 400)
        : jsonResponse(redirectPayment({ method: 'paypal' })),
    );
    const form = await mountApmForm('paypal');
    await form.submit();
    await settleForm(form);
    equal(alertText(form), 'PayPal is not available for this checkout.');
    equal(payButton(form).disabled, false);
    await form.submit();
    equal(stub.calls.length, 2);
  });

  it('explains a failure the server gives no words for, and one the app hands it', async () => {
    const form = await mountApmForm('alipay');
    form.failure = { kind: 'failed', code: 'payment_failed', message: null, paymentId: 'pay_apm1', fields: null };
    await settleForm(form);
    equal(alertText(form), 'This payment could not be processed. Please try again later or use another payment method.');
    form.failure = { kind: 'failed', code: 'payment_canceled', message: 'You canceled the payment at Alipay.', paymentId: 'pay_apm1', fields: null };
    await settleForm(form);
    equal(alertText(form), 'You canceled the payment at Alipay.');
    equal(payButton(form).disabled, false);
  });
});
