import { equal, match } from './helpers/assert.ts';
import { fieldSuite } from './helpers/field-suite.ts';
import { byLabel, LABELS, mountForm, press, typeInto, unmountAll, visibleError } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';

fieldSuite({
  label: LABELS.cvc,
  autocomplete: 'cc-csc',
  inputmode: 'numeric',
  valid: '123',
  unfinished: { keys: '12', error: /security code is incomplete/ },
  required: /Enter the security code/,
});

describe('Security code', () => {
  afterEach(unmountAll);

  it('takes 3 digits for a Visa card', async () => {
    const form = await mountForm();
    await typeInto(form, byLabel(form, LABELS.number), '4242');
    const cvc = byLabel(form, LABELS.cvc);
    await typeInto(form, cvc, '1234');
    equal(cvc.value, '123');
  });

  it('takes 4 digits for American Express, and 3 are not enough', async () => {
    const form = await mountForm();
    await typeInto(form, byLabel(form, LABELS.number), '3782');
    const cvc = byLabel(form, LABELS.cvc);
    await typeInto(form, cvc, '12345');
    equal(cvc.value, '1234');
    cvc.select();
    await typeInto(form, cvc, '123');
    await press(form, 'Tab');
    match(visibleError(cvc), /security code is incomplete/);
  });

  it('ignores letters', async () => {
    const form = await mountForm();
    const cvc = byLabel(form, LABELS.cvc);
    await typeInto(form, cvc, '1a2b');
    equal(cvc.value, '12');
  });
});
