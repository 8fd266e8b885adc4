import { equal, match } from './helpers/assert.ts';
import { fieldSuite } from './helpers/field-suite.ts';
import { byLabel, LABELS, mountForm, press, typeInto, unmountAll, visibleError } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';

fieldSuite({
  label: LABELS.name,
  autocomplete: 'cc-name',
  inputmode: 'text',
  valid: 'Ada Lovelace',
  unfinished: { keys: '4242 4242', error: /name as it appears on the card/ },
  required: /Enter the name on the card/,
});

describe('Name on card', () => {
  afterEach(unmountAll);

  it('keeps what the buyer typed as is', async () => {
    const form = await mountForm();
    const input = byLabel(form, LABELS.name);
    await typeInto(form, input, 'José Ñúñez-O’Brien');
    equal(input.value, 'José Ñúñez-O’Brien');
    await press(form, 'Tab');
    equal(visibleError(input), null);
  });

  it('does not accept only spaces', async () => {
    const form = await mountForm();
    const input = byLabel(form, LABELS.name);
    await typeInto(form, input, '   ');
    await form.submit();
    match(visibleError(input), /Enter the name on the card/);
  });
});
