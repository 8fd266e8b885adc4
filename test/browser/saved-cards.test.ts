/** Saved cards in the card form: the radio group, paying with one, the security code again, removal, "save this card". */
import { sendKeys } from '@web/test-runner-commands';
import { setLocale } from '../../widget/i18n/index.ts';
import { brandName, expiryText, isExpired, savedCardBrand } from '../../widget/frame/saved-cards/saved-card.ts';
import type { FormChange } from '../../widget/frame/card-form/card-form.ts';
import type { PayCardForm } from '../../widget/frame/card-form/card-form.ts';
import { findAxNode } from './helpers/a11y.ts';
import { deepEqual, equal, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import {
  AMEX,
  apiError,
  choose,
  EXPIRED,
  mountCardForm,
  paymentResponse,
  radio,
  radioLabels,
  SAVED_OPTIONS,
  savedCardsResponse,
  savedCardsRoot,
  savedCardsStatus,
  stubApi,
  tickUntilSettled,
  VISA,
  visible,
} from './helpers/card-extras.ts';
import { deferred, type FetchStub } from './helpers/fetch-stub.ts';
import { alertText, byLabel, fillValidCard, FUTURE_YY, LABELS, mountForm, settle, typeInto, unmountAll, visibleError } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { waitFor } from './helpers/wait.ts';

/** A decline: the form stays usable, so one test can pay several ways. */
const declined = () => paymentResponse({ status: 'failed', error: { code: 'card_declined', message: 'Your card was declined.' } });

const CARD_LABELS = [LABELS.number, LABELS.expiry, LABELS.cvc, LABELS.name];

function saveCheckbox(form: PayCardForm): HTMLInputElement | null {
  return form.shadowRoot!.querySelector('pay-save-card')?.shadowRoot?.querySelector('input') ?? null;
}

function removeButtons(form: PayCardForm): HTMLButtonElement[] {
  return [...savedCardsRoot(form).querySelectorAll<HTMLButtonElement>('button')];
}

const confirmBodies = (stub: FetchStub) => stub.callsTo('/confirm').map((call) => call.body);

describe('Saved cards', () => {
  let stub: FetchStub | undefined;
  afterEach(async () => {
    stub?.restore();
    stub = undefined;
    unmountAll();
    await setLocale('en');
  });

  it('lists the cards first as a "Saved cards" radio group, the first usable one chosen and expired ones not selectable', async () => {
    stub = stubApi({ savedCards: () => savedCardsResponse([EXPIRED, VISA, AMEX]), confirm: declined });
    const form = await mountCardForm({ saved_cards: SAVED_OPTIONS }, 'en-US', stub);
    const root = savedCardsRoot(form);
    equal(root.querySelector('fieldset legend')?.textContent?.trim(), 'Saved cards');
    deepEqual(radioLabels(form), [
      'Mastercard •••• 4444 · expired 01/20',
      `Visa •••• 4242 · expires 12/${FUTURE_YY}`,
      `American Express •••• 0005 · expires 03/${FUTURE_YY}`,
      'Use a new card',
    ]);
    ok(radio(form, /^Mastercard/).disabled, 'the expired card cannot be chosen');
    ok(radio(form, /^Visa/).checked, 'the first card that can pay is chosen');
    ok(
      form.shadowRoot!.querySelector('pay-saved-cards')!.compareDocumentPosition(form.shadowRoot!.querySelector('pay-card-number')!) & Node.DOCUMENT_POSITION_FOLLOWING,
      'the saved cards come before the card fields',
    );
    for (const label of CARD_LABELS) equal(visible(byLabel(form, label)), false, `${label} hidden`);
    equal(visible(form.shadowRoot!.querySelector('pay-save-card')!), false, 'nothing to save with a saved card');
    const fieldset = root.querySelector('fieldset')!;
    ok([...root.querySelectorAll('input')].every((input) => input.type === 'radio' && input.name === 'saved-card' && fieldset.contains(input)), 'one radio group, in the fieldset');
    ok(await findAxNode((node) => node.role === 'radio' && node.name === `Visa •••• 4242 · expires 12/${FUTURE_YY}`), 'each card is a radio named by its label');
    await expectNoAxeViolations(form);
  });

  it('pays with the chosen card: its id (and the email), no card details', async () => {
    stub = stubApi({ confirm: declined });
    const form = await mountCardForm({ saved_cards: SAVED_OPTIONS, requires_email: true }, 'en-US', stub);
    await typeInto(form, byLabel(form, LABELS.email), 'ada@example.com');
    await form.submit();
    deepEqual(confirmBodies(stub), [{ payment_method: { type: 'saved_card', saved_card: { id: 'card_visa' } }, email: 'ada@example.com' }]);
    equal(alertText(form), 'Your card was declined.');

    await choose(form, radio(form, /^American Express/));
    await form.submit();
    deepEqual(confirmBodies(stub)[1], { payment_method: { type: 'saved_card', saved_card: { id: 'card_amex' } }, email: 'ada@example.com' });
  });

  it('"Use a new card" brings the card fields back, with "Save this card for next time" (unchecked)', async () => {
    stub = stubApi({ confirm: declined });
    const form = await mountCardForm({ saved_cards: SAVED_OPTIONS }, 'en-US', stub);
    await choose(form, radio(form, 'Use a new card'));
    for (const label of CARD_LABELS) ok(visible(byLabel(form, label)), `${label} shown`);
    const save = saveCheckbox(form)!;
    equal(save.labels?.[0]?.textContent?.trim(), 'Save this card for next time');
    equal(save.checked, false, 'not saved unless asked');
    await fillValidCard(form);
    await form.submit();
    const card = { number: '4242424242424242', exp_month: 12, exp_year: 2000 + Number(FUTURE_YY), cvc: '123', name: 'Ada Lovelace' };
    deepEqual(confirmBodies(stub)[0], { payment_method: { type: 'card', card } });

    save.click();
    await form.submit();
    deepEqual(confirmBodies(stub)[1], { payment_method: { type: 'card', card, save: true } });
    await expectNoAxeViolations(form);
  });

  it('offers no "save" checkbox when the session does not allow saving', async () => {
    stub = stubApi({ savedCards: () => savedCardsResponse([]) });
    const form = await mountCardForm({ saved_cards: { ...SAVED_OPTIONS, can_save: false } }, 'en-US', stub);
    equal(form.shadowRoot!.querySelector('pay-save-card'), null);
    const plain = await mountCardForm({}, 'en-US');
    equal(plain.shadowRoot!.querySelector('pay-save-card, pay-saved-cards'), null, 'nor without saved cards at all');
  });

  it('asks for the security code again when the session requires it, as long as the card brand needs, and sends it', async () => {
    stub = stubApi({ confirm: declined });
    const form = await mountCardForm({ saved_cards: { ...SAVED_OPTIONS, require_cvc: true } }, 'en-US', stub);
    const cvc = byLabel(form, LABELS.cvc);
    ok(visible(cvc), 'the security code is asked for');
    for (const label of [LABELS.number, LABELS.expiry, LABELS.name]) equal(visible(byLabel(form, label)), false, `${label} hidden`);

    await form.submit();
    await settle(form);
    equal(confirmBodies(stub).length, 0, 'not without the code');
    equal(visibleError(cvc), 'Enter the security code.');
    equal(cvc.getAttribute('aria-invalid'), 'true');
    equal(form.shadowRoot!.activeElement, cvc, 'focus on the code');
    await expectNoAxeViolations(form);

    await typeInto(form, cvc, '123');
    await form.submit();
    deepEqual(confirmBodies(stub)[0], { payment_method: { type: 'saved_card', saved_card: { id: 'card_visa', cvc: '123' } } });

    // American Express: four digits. Choosing another card clears the code typed for the first.
    await choose(form, radio(form, /^American Express/));
    equal(cvc.value, '', 'cleared');
    equal(visibleError(cvc), null, 'and not flagged');
    await typeInto(form, cvc, '123');
    await form.submit();
    await settle(form);
    equal(visibleError(cvc), 'The security code is incomplete.');
    equal(confirmBodies(stub).length, 1);
    await typeInto(form, cvc, '4');
    await form.submit();
    deepEqual(confirmBodies(stub)[1], { payment_method: { type: 'saved_card', saved_card: { id: 'card_amex', cvc: '1234' } } });
  });

  it('can be chosen with the keyboard: arrows move between the cards, skipping expired ones', async () => {
    stub = stubApi({ savedCards: () => savedCardsResponse([VISA, EXPIRED, AMEX]), confirm: declined });
    const form = await mountCardForm({ saved_cards: SAVED_OPTIONS }, 'en-US', stub);
    radio(form, /^Visa/).focus();
    await sendKeys({ press: 'ArrowDown' });
    await tickUntilSettled(form);
    ok(radio(form, /^American Express/).checked, 'the expired card is skipped');
    await sendKeys({ press: 'ArrowDown' });
    await tickUntilSettled(form);
    ok(radio(form, 'Use a new card').checked);
    ok(visible(byLabel(form, LABELS.number)), 'the card fields are back');
  });

  it('reports the form complete once a saved card is chosen, with its brand', async () => {
    stub = stubApi();
    const changes: FormChange[] = [];
    const pending = mountCardForm({ saved_cards: SAVED_OPTIONS }, 'en-US', stub);
    document.body.lastElementChild!.addEventListener('pay-form-change', (e) => changes.push((e as CustomEvent<FormChange>).detail));
    const form = await pending;
    equal(changes.at(-1)?.complete, true);
    equal(changes.at(-1)?.brand, 'visa');
    await choose(form, radio(form, 'Use a new card'));
    equal(changes.at(-1)?.complete, false, 'a new card is still to be typed');
  });

  it('removes a card: a named button, a polite announcement, the next card chosen and focused', async () => {
    stub = stubApi();
    const form = await mountCardForm({ saved_cards: { ...SAVED_OPTIONS, allow_removal: true } }, 'en-US', stub);
    const root = savedCardsRoot(form);
    deepEqual(
      removeButtons(form).map((button) => [button.textContent?.trim(), button.getAttribute('aria-label')]),
      [
        ['Remove', 'Remove Visa ending in 4242'],
        ['Remove', 'Remove American Express ending in 0005'],
      ],
    );
    ok(await findAxNode((node) => node.role === 'button' && node.name === 'Remove Visa ending in 4242'), 'the accessible name names the card');
    const status = root.querySelector('[role="status"]');
    ok(status, 'the live region is there before anything is announced');
    await expectNoAxeViolations(form);

    const first = removeButtons(form)[0]!;
    first.focus();
    first.click();
    await waitFor(() => savedCardsStatus(form) === 'Visa ending in 4242 removed.', 'the announcement');
    await tickUntilSettled(form);
    equal(stub.callsTo('/saved_cards/card_visa')[0]?.method, 'DELETE');
    equal(root.querySelector('[role="status"]'), status, 'announced in the same live region');
    deepEqual(radioLabels(form), [`American Express •••• 0005 · expires 03/${FUTURE_YY}`, 'Use a new card']);
    ok(radio(form, /^American Express/).checked, 'the removed card was chosen: the next one is');
    equal(root.activeElement, removeButtons(form)[0], 'focus on the Remove button now in its place');
    await expectNoAxeViolations(form);

    // The last one: the group goes, the card fields come back and take focus.
    removeButtons(form)[0]!.click();
    await waitFor(() => savedCardsStatus(form) === 'American Express ending in 0005 removed.', 'the second announcement');
    await tickUntilSettled(form);
    equal(root.querySelector('fieldset'), null);
    ok(visible(byLabel(form, LABELS.number)));
    equal(form.shadowRoot!.activeElement, byLabel(form, LABELS.number));
  });

  it('says so when a card cannot be removed, and keeps it and the focus', async () => {
    stub = stubApi({ remove: () => apiError(500, 'api_error', 'boom', 'api_error') });
    const form = await mountCardForm({ saved_cards: { ...SAVED_OPTIONS, allow_removal: true } }, 'en-US', stub);
    const button = removeButtons(form)[1]!;
    button.focus();
    button.click();
    await waitFor(() => savedCardsStatus(form) !== '', 'the announcement');
    equal(savedCardsStatus(form), 'Could not remove American Express ending in 0005. Please try again.');
    equal(radioLabels(form).length, 3, 'still listed');
    equal(savedCardsRoot(form).activeElement, button, 'focus stays on the button');
    await expectNoAxeViolations(form);
  });

  it('offers no Remove button when the session does not allow removal', async () => {
    stub = stubApi();
    const form = await mountCardForm({ saved_cards: SAVED_OPTIONS }, 'en-US', stub);
    equal(radioLabels(form).length, 3);
    equal(removeButtons(form).length, 0);
  });

  it('with no saved cards, or a list that cannot be loaded, is the usual card form', async () => {
    const answers = [() => savedCardsResponse([]), () => apiError(500, 'api_error', 'boom', 'api_error'), () => Promise.reject(new TypeError('Failed to fetch'))];
    for (const [index, savedCards] of answers.entries()) {
      stub = stubApi({ savedCards, confirm: declined });
      const form = await mountCardForm({ saved_cards: SAVED_OPTIONS }, 'en-US', stub);
      equal(savedCardsRoot(form).querySelector('fieldset'), null, `answer ${index}: no group`);
      for (const label of CARD_LABELS) ok(visible(byLabel(form, label)), `answer ${index}: ${label}`);
      await fillValidCard(form);
      await form.submit();
      equal((confirmBodies(stub)[0] as { payment_method: { type: string } }).payment_method.type, 'card');
      await expectNoAxeViolations(form);
      stub.restore();
      unmountAll();
    }
  });

  it('keeps the new card a buyer started typing before the list arrived', async () => {
    const list = deferred<Response>();
    stub = stubApi({ savedCards: () => list.promise });
    const form = await mountForm({ saved_cards: SAVED_OPTIONS });
    await typeInto(form, byLabel(form, LABELS.number), '4242');
    list.resolve(savedCardsResponse([VISA]));
    await customElements.whenDefined('pay-saved-cards');
    await waitFor(() => savedCardsRoot(form).querySelector('fieldset'), 'the saved cards');
    await tickUntilSettled(form);
    ok(radio(form, 'Use a new card').checked);
    equal(byLabel(form, LABELS.number).value, '4242');
    ok(visible(byLabel(form, LABELS.number)));
  });

  it('speaks Portuguese in a pt-BR checkout', async () => {
    await setLocale('pt-BR');
    stub = stubApi({ savedCards: () => savedCardsResponse([VISA, EXPIRED]) });
    const form = await mountCardForm({ saved_cards: { ...SAVED_OPTIONS, allow_removal: true } }, 'pt-BR', stub);
    equal(savedCardsRoot(form).querySelector('legend')?.textContent?.trim(), 'Cartões salvos');
    deepEqual(radioLabels(form), [`Visa •••• 4242 · validade 12/${FUTURE_YY}`, 'Mastercard •••• 4444 · venceu em 01/20', 'Usar um novo cartão']);
    deepEqual(
      removeButtons(form).map((button) => [button.textContent?.trim(), button.getAttribute('aria-label')]),
      [
        ['Remover', 'Remover Visa com final 4242'],
        ['Remover', 'Remover Mastercard com final 4444'],
      ],
    );
    equal(saveCheckbox(form)?.labels?.[0]?.textContent?.trim(), 'Salvar este cartão para as próximas compras');
  });

  it('names brands and expiry dates as a person reads them', () => {
    equal(savedCardBrand('amex')?.name, 'American Express');
    equal(savedCardBrand('American Express')?.cvcLength, 4);
    equal(savedCardBrand('VISA')?.type, 'visa');
    equal(savedCardBrand('visa')?.cvcLength, 3);
    equal(savedCardBrand('acme'), null);
    equal(savedCardBrand(null), null);
    equal(brandName('acme'), 'acme', 'an unknown brand as the vault names it');
    equal(brandName(null), 'Card');
    const now = new Date(2026, 4, 31); // 31 May 2026
    equal(isExpired({ exp_month: 5, exp_year: 2026 }, now), false, 'good through the end of its month');
    equal(isExpired({ exp_month: 4, exp_year: 2026 }, now), true);
    equal(isExpired({ exp_month: 12, exp_year: 25 }, now), true, 'two-digit years');
    equal(isExpired({ exp_month: 1, exp_year: 27 }, now), false);
    equal(expiryText({ exp_month: 3, exp_year: 2031 }), '03/31');
    equal(expiryText({ exp_month: 11, exp_year: 9 }), '11/09');
  });
});
