/** `<pay-phone>` inside the PIX form: the field basics, Brazilian formatting with or without +55, validation. */
import { sendKeys } from '@web/test-runner-commands';
import type { PublicSession } from '../../contract/api.ts';
import type { PayPhone } from '../../widget/frame/fields/phone/phone.ts';
import type { PayPixForm } from '../../widget/frame/pix/pix-form.ts';
import { findAxNode } from './helpers/a11y.ts';
import { equal, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { description, press, settle, unmountAll, visibleError } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { mountPixForm } from './helpers/pix-form.ts';

const LABEL = 'Phone number';

const mount = (session: Partial<PublicSession> = {}) => mountPixForm({ collect_phone: true, ...session });

const field = (form: PayPixForm): PayPhone => form.shadowRoot!.querySelector('pay-phone')!;
const inputOf = (form: PayPixForm): HTMLInputElement => field(form).querySelector('input')!;

/** Clears the field, types `text` with real keys, and returns what the field shows. */
async function typed(form: PayPixForm, text: string): Promise<string> {
  const input = inputOf(form);
  input.focus();
  input.select();
  await sendKeys({ press: 'Backspace' });
  await sendKeys({ type: text });
  await settle(form);
  return input.value;
}

describe('Phone number', () => {
  afterEach(unmountAll);

  it('is asked for only when the session collects phones', async () => {
    equal((await mount({ collect_phone: false })).shadowRoot!.querySelector('pay-phone'), null);
    ok(field(await mount()));
  });

  it('is a telephone text box named by its label, with the tel autofill token', async () => {
    const form = await mount();
    const input = inputOf(form);
    equal(input.labels?.[0]?.textContent?.trim(), LABEL);
    equal(input.autocomplete, 'tel');
    equal(input.inputMode, 'tel');
    ok(await findAxNode((n) => n.role === 'textbox' && n.name === LABEL), `a textbox named "${LABEL}"`);
  });

  it('formats mobile and landline numbers as they are typed', async () => {
    const form = await mount();
    equal(await typed(form, '1'), '(1');
    equal(await typed(form, '119'), '(11) 9');
    equal(await typed(form, '1191234'), '(11) 91234');
    equal(await typed(form, '11912345678'), '(11) 91234-5678');
    equal(field(form).phone, '+5511912345678');
    equal(await typed(form, '1123456789'), '(11) 2345-6789');
    equal(field(form).phone, '+551123456789');
    equal(await typed(form, '119123456789'), '(11) 91234-5678', 'a digit too many is dropped');
  });

  it('accepts the +55 country code, typed or pasted with or without +', async () => {
    const form = await mount();
    equal(await typed(form, '+'), '+');
    equal(await typed(form, '+55'), '+55');
    equal(await typed(form, '+5511912345678'), '+55 (11) 91234-5678');
    equal(field(form).phone, '+5511912345678');
    equal(await typed(form, '5511912345678'), '+55 (11) 91234-5678');
    const input = inputOf(form);
    input.value = '+55 11 3333-4444';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    await settle(form);
    equal(input.value, '+55 (11) 3333-4444');
    equal(field(form).phone, '+551133334444');
  });

  it('calls short numbers incomplete and foreign or malformed ones invalid, after blur', async () => {
    const form = await mount();
    const input = inputOf(form);
    const errorFor = async (keys: string) => {
      await typed(form, keys);
      await press(form, 'Tab');
      return visibleError(input);
    };
    await typed(form, '119123');
    equal(visibleError(input), null, 'not flagged while the buyer is still typing');
    equal(await errorFor('119123'), 'Your phone number is incomplete.');
    equal(await errorFor('1191234567'), 'Your phone number is incomplete.', 'a mobile needs 9 digits after the area code');
    equal(await errorFor('+1 212 555 0100'), 'Enter a Brazilian phone number with area code, like (11) 91234-5678.');
    equal(await errorFor('01191234567'), 'Enter a Brazilian phone number with area code, like (11) 91234-5678.', 'no trunk 0');
    equal(await errorFor('11812345678'), 'Enter a Brazilian phone number with area code, like (11) 91234-5678.', '11 digits must be a mobile');
    equal(input.getAttribute('aria-invalid'), 'true');
    ok(description(input).includes('Brazilian phone number'), 'the error describes the input');
    ok((await findAxNode((n) => n.role === 'textbox' && n.name === LABEL))?.invalid, 'reported invalid');
    await expectNoAxeViolations(form);
    equal(await errorFor('11912345678'), null, 'fixed');
    equal(input.getAttribute('aria-invalid'), 'false');
  });

  it('flags an empty phone only on submit', async () => {
    const form = await mount();
    const input = inputOf(form);
    input.focus();
    await press(form, 'Tab');
    equal(visibleError(input), null);
    await form.submit();
    await settle(form);
    equal(visibleError(input), 'Enter your phone number.');
  });

  it('Backspace after a separator deletes the digit before it and keeps the caret there', async () => {
    const form = await mount();
    const input = inputOf(form);
    await typed(form, '11912345678');
    input.setSelectionRange(11, 11); // '(11) 91234-|5678'
    await press(form, 'Backspace');
    equal(input.value, '(11) 91235-678');
    equal(input.selectionStart, 9);
  });
});
