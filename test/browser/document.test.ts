/** `<pay-document>` (CPF or CNPJ) inside the PIX form: the field basics, formatting, type, check digits, caret. */
import { sendKeys } from '@web/test-runner-commands';
import type { PayDocument } from '../../widget/frame/fields/document/document.ts';
import type { PayPixForm } from '../../widget/frame/pix/pix-form.ts';
import { findAxNode } from './helpers/a11y.ts';
import { deepEqual, equal, match, ok } from './helpers/assert.ts';
import { expectNoAxeViolations } from './helpers/axe.ts';
import { description, press, settle, unmountAll, visibleError } from './helpers/form.ts';
import { afterEach, describe, it } from './helpers/mocha.ts';
import { mountPixForm } from './helpers/pix-form.ts';

const LABEL = 'CPF or CNPJ';

const field = (form: PayPixForm): PayDocument => form.shadowRoot!.querySelector('pay-document')!;
const inputOf = (form: PayPixForm): HTMLInputElement => field(form).querySelector('input')!;
const badge = (form: PayPixForm) => form.shadowRoot!.querySelector('pay-document .brand');

async function type(form: PayPixForm, text: string): Promise<void> {
  inputOf(form).focus();
  await sendKeys({ type: text });
  await settle(form);
}

describe('CPF or CNPJ', () => {
  afterEach(unmountAll);

  it('is a numeric text box named by its label, without autofill', async () => {
    const form = await mountPixForm();
    const [label] = [...form.shadowRoot!.querySelectorAll('label')].filter((l) => l.textContent?.trim() === LABEL);
    equal(label?.control, inputOf(form), 'the label is the input’s');
    equal(inputOf(form).inputMode, 'numeric');
    equal(inputOf(form).autocomplete, 'off');
    equal(inputOf(form).getAttribute('aria-invalid'), 'false');
    ok(await findAxNode((n) => n.role === 'textbox' && n.name === LABEL), `a textbox named "${LABEL}"`);
  });

  it('formats a CPF as it is typed and shows the type, tied to the input', async () => {
    const form = await mountPixForm();
    const input = inputOf(form);
    equal(badge(form), null, 'no type while empty');
    await type(form, '5299');
    equal(input.value, '529.9');
    await type(form, '8224725');
    equal(input.value, '529.982.247-25');
    equal(badge(form)?.textContent, 'CPF');
    ok(badge(form)!.checkVisibility(), 'type visible');
    equal(description(input), 'CPF', 'the type describes the input');
    deepEqual(field(form).document, { type: 'CPF', number: '52998224725' });
  });

  it('switches to a CNPJ past 11 digits and back, and stops at 14', async () => {
    const form = await mountPixForm();
    const input = inputOf(form);
    await type(form, '112223330001');
    equal(input.value, '11.222.333/0001');
    equal(badge(form)?.textContent, 'CNPJ');
    equal(description(input), 'CNPJ');
    await type(form, '8199');
    equal(input.value, '11.222.333/0001-81', 'extra digits dropped');
    deepEqual(field(form).document, { type: 'CNPJ', number: '11222333000181' });
    await press(form, 'Backspace');
    await press(form, 'Backspace');
    await press(form, 'Backspace');
    equal(input.value, '112.223.330-00');
    equal(badge(form)?.textContent, 'CPF');
    equal(field(form).document, null, 'not a valid CPF');
  });

  it('checks the check digits as the buyer types, with the fields’ timing', async () => {
    const form = await mountPixForm();
    const input = inputOf(form);
    await type(form, '52998224724'); // last check digit wrong
    equal(field(form).validity.state, 'invalid', 'known at once');
    equal(visibleError(input), null, 'but not shown while typing');
    await press(form, 'Tab');
    equal(visibleError(input), 'Your CPF or CNPJ is invalid.');
    equal(input.getAttribute('aria-invalid'), 'true');
    ok(description(input).includes('Your CPF or CNPJ is invalid'), `aria-describedby → "${description(input)}"`);
    ok((await findAxNode((n) => n.role === 'textbox' && n.name === LABEL))?.invalid, 'reported invalid');
    await expectNoAxeViolations(form);

    // Once left, it is re-checked on every keystroke: going on to a CNPJ is unfinished, then fine.
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
    await press(form, 'Backspace');
    await press(form, 'Backspace');
    await type(form, '253');
    match(visibleError(input), /incomplete/);
    equal(badge(form)?.textContent, 'CNPJ');
    input.select();
    await type(form, '11222333000181');
    equal(visibleError(input), null);
    equal(input.getAttribute('aria-invalid'), 'false');
  });

  it('flags an unfinished number on blur, and an empty one only on submit', async () => {
    const form = await mountPixForm();
    const input = inputOf(form);
    input.focus();
    await press(form, 'Tab');
    equal(visibleError(input), null, 'empty, after blur');
    await form.submit();
    await settle(form);
    equal(visibleError(input), 'Enter your CPF or CNPJ.');
    await type(form, '529982');
    await press(form, 'Tab');
    equal(visibleError(input), 'Your CPF or CNPJ is incomplete.');
  });

  it('keeps the caret after the same digit when a digit is inserted in the middle', async () => {
    const form = await mountPixForm();
    const input = inputOf(form);
    await type(form, '52998224725');
    input.setSelectionRange(6, 6); // '529.98|2.247-25'
    await sendKeys({ type: '1' });
    await settle(form);
    equal(input.value, '52.998.122/4725', 'now 12 digits: a CNPJ in the making');
    equal(input.selectionStart, 8, "after the inserted digit: '52.998.1|'");
    equal(input.selectionEnd, 8);
  });

  it('Backspace right after a separator deletes the digit before it', async () => {
    const form = await mountPixForm();
    const input = inputOf(form);
    await type(form, '52998224725');
    input.setSelectionRange(4, 4); // '529.|982.247-25'
    await press(form, 'Backspace');
    equal(input.value, '529.822.472-5');
    equal(input.selectionStart, 2);
  });

  it('cleans a pasted number', async () => {
    const form = await mountPixForm();
    const input = inputOf(form);
    input.value = ' 529 982 247/25 ';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    await settle(form);
    equal(input.value, '529.982.247-25');
    equal(field(form).digits, '52998224725');
  });
});
