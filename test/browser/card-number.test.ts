import { sendKeys } from '@web/test-runner-commands';
import { equal, match, ok } from './helpers/assert.ts';
import { fieldSuite } from './helpers/field-suite.ts';
import { byLabel, description, LABELS, mountForm, press, settle, typeInto, unmountAll, visibleError } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';

fieldSuite({
  label: LABELS.number,
  autocomplete: 'cc-number',
  inputmode: 'numeric',
  valid: '4242424242424242',
  unfinished: { keys: '424242', error: /card number is incomplete/ },
  required: /Enter your card number/,
});

describe('Card number', () => {
  afterEach(unmountAll);

  it('groups a Visa number 4-4-4-4 as it is typed and shows the brand', async () => {
    const form = await mountForm();
    const input = byLabel(form, LABELS.number);
    await typeInto(form, input, '42424');
    equal(input.value, '4242 4');
    await sendKeys({ type: '24242424242' });
    await settle(form);
    equal(input.value, '4242 4242 4242 4242');
    const brand = form.shadowRoot!.querySelector('.brand');
    equal(brand?.textContent, 'Visa');
    ok(brand!.checkVisibility(), 'brand visible');
    ok(description(input).includes('Visa'), 'brand is part of the description');
  });

  it('groups American Express 4-6-5 and stops at 15 digits', async () => {
    const form = await mountForm();
    const input = byLabel(form, LABELS.number);
    await typeInto(form, input, '3782822463100059');
    equal(input.value, '3782 822463 10005');
    equal(form.shadowRoot!.querySelector('.brand')?.textContent, 'American Express');
  });

  it('Backspace after a group separator deletes the digit before it', async () => {
    const form = await mountForm();
    const input = byLabel(form, LABELS.number);
    await typeInto(form, input, '42424');
    input.setSelectionRange(5, 5); // after the space: '4242 |4'
    await press(form, 'Backspace');
    equal(input.value, '4244');
    equal(input.selectionStart, 3);
  });

  it('cleans a pasted or autofilled number', async () => {
    const form = await mountForm();
    const input = byLabel(form, LABELS.number);
    input.value = '4242-4242-4242-4242';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    await settle(form);
    equal(input.value, '4242 4242 4242 4242');
  });

  it('calls a full-length number that fails the checksum invalid, after blur', async () => {
    const form = await mountForm();
    const input = byLabel(form, LABELS.number);
    await typeInto(form, input, '4242424242424241');
    equal(visibleError(input), null);
    await press(form, 'Tab');
    match(visibleError(input), /card number is invalid/);
  });
});
