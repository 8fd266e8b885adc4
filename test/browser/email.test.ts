import { equal } from './helpers/assert.ts';
import { fieldSuite } from './helpers/field-suite.ts';
import { LABELS, mountForm, unmountAll } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';

fieldSuite({
  label: LABELS.email,
  autocomplete: 'email',
  inputmode: 'email',
  valid: 'ada@example.com',
  unfinished: { keys: 'ada@example', error: /valid email address/ },
  required: /Enter your email address/,
  session: { requires_email: true },
});

describe('Email', () => {
  afterEach(unmountAll);

  it('is asked for only when the session requires it', async () => {
    const without = await mountForm();
    equal(without.shadowRoot!.querySelector('input[type="email"]'), null);
    const withEmail = await mountForm({ requires_email: true });
    equal(withEmail.shadowRoot!.querySelectorAll('input[type="email"]').length, 1);
  });
});
