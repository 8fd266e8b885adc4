import { equal, match } from './helpers/assert.ts';
import { fieldSuite } from './helpers/field-suite.ts';
import { byLabel, FUTURE_YY, LABELS, mountForm, press, typeInto, unmountAll, visibleError } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';

fieldSuite({
  label: LABELS.expiry,
  autocomplete: 'cc-exp',
  inputmode: 'numeric',
  valid: `12${FUTURE_YY}`,
  unfinished: { keys: '12', error: /expiration date is incomplete/ },
  required: /Enter the expiration date/,
});

describe('Expiration date', () => {
  afterEach(unmountAll);

  it('formats MM/YY as it is typed', async () => {
    const form = await mountForm();
    const input = byLabel(form, LABELS.expiry);
    await typeInto(form, input, '12');
    equal(input.value, '12');
    await typeInto(form, input, '3');
    equal(input.value, '12/3');
    await typeInto(form, input, '09');
    equal(input.value, '12/30');
  });

  it('pads a month that can only be one digit', async () => {
    const form = await mountForm();
    const input = byLabel(form, LABELS.expiry);
    await typeInto(form, input, `4${FUTURE_YY}`);
    equal(input.value, `04/${FUTURE_YY}`);
  });

  it('flags a date in the past after blur', async () => {
    const form = await mountForm();
    const input = byLabel(form, LABELS.expiry);
    await typeInto(form, input, '0120');
    await press(form, 'Tab');
    match(visibleError(input), /in the past/);
  });

  it('flags a month that does not exist', async () => {
    const form = await mountForm();
    const input = byLabel(form, LABELS.expiry);
    await typeInto(form, input, `13${FUTURE_YY}`);
    await press(form, 'Tab');
    match(visibleError(input), /expiration date is invalid/);
  });
});
