/**
 * The suite every payment field runs (STYLE.md): accessible name from its label, autofill token
 * and input mode, keyboard focus, errors only after blur or submit (aria-invalid plus
 * aria-describedby pointing at the visible text), errors clearing when fixed, and input events
 * fired on user action only.
 */
import { sendKeys } from '@web/test-runner-commands';
import type { PublicSession } from '../../../contract/api.ts';
import { findAxNode } from './a11y.ts';
import { equal, match, ok } from './assert.ts';
import { expectNoAxeViolations } from './axe.ts';
import { byLabel, description, mountForm, press, settle, typeInto, unmountAll, visibleError } from './form.ts';
import { afterEach, describe, it } from './mocha.ts';

export interface FieldSpec {
  label: string;
  autocomplete: string;
  inputmode: string;
  /** Keys that make the field valid. */
  valid: string;
  /** Keys that leave it unfinished or wrong, and the error they earn after blur. */
  unfinished: { keys: string; error: RegExp };
  /** The error an empty field earns on submit. */
  required: RegExp;
  session?: Partial<PublicSession>;
}

export function fieldSuite(spec: FieldSpec): void {
  describe(`${spec.label} (shared field suite)`, () => {
    afterEach(unmountAll);

    it('has its accessible name from its label, an autofill token and an input mode', async () => {
      const form = await mountForm(spec.session);
      const input = byLabel(form, spec.label);
      equal(input.autocomplete, spec.autocomplete, 'autocomplete');
      equal(input.inputMode, spec.inputmode, 'inputmode');
      equal(input.getAttribute('aria-invalid'), 'false');
      const node = await findAxNode((n) => n.role === 'textbox' && n.name === spec.label);
      ok(node, `a textbox named "${spec.label}" in the accessibility tree`);
    });

    it('is not flagged while the buyer is still typing', async () => {
      const form = await mountForm(spec.session);
      const input = byLabel(form, spec.label);
      await typeInto(form, input, spec.unfinished.keys);
      equal(form.shadowRoot!.activeElement, input, 'focused');
      equal(visibleError(input), null);
      equal(input.getAttribute('aria-invalid'), 'false');
      equal(input.hasAttribute('aria-describedby') && /error/.test(description(input)), false);
    });

    it('flags an unfinished value once the buyer leaves it, and links the error to the input', async () => {
      const form = await mountForm(spec.session);
      const input = byLabel(form, spec.label);
      await typeInto(form, input, spec.unfinished.keys);
      await press(form, 'Tab');
      match(visibleError(input), spec.unfinished.error);
      equal(input.getAttribute('aria-invalid'), 'true');
      ok(description(input).includes(visibleError(input)!), `aria-describedby → "${description(input)}"`);
      const node = await findAxNode((n) => n.role === 'textbox' && n.name === spec.label);
      ok(node?.invalid, 'the accessibility tree reports the field invalid');
      await expectNoAxeViolations(form);
    });

    it('clears the error as soon as the value is fixed', async () => {
      const form = await mountForm(spec.session);
      const input = byLabel(form, spec.label);
      await typeInto(form, input, spec.unfinished.keys);
      await press(form, 'Tab');
      ok(visibleError(input));
      input.focus();
      input.select();
      await sendKeys({ type: spec.valid });
      await settle(form);
      equal(visibleError(input), null);
      equal(input.getAttribute('aria-invalid'), 'false');
    });

    it('does not flag an empty field on blur, but does on submit', async () => {
      const form = await mountForm(spec.session);
      const input = byLabel(form, spec.label);
      input.focus();
      await press(form, 'Tab');
      equal(visibleError(input), null, 'after blur');
      await form.submit();
      await settle(form);
      match(visibleError(input), spec.required, 'after submit');
      equal(input.getAttribute('aria-invalid'), 'true');
    });

    it('reports buyer input to the form, and nothing before it', async () => {
      const form = await mountForm(spec.session);
      const input = byLabel(form, spec.label);
      let events = 0;
      form.shadowRoot!.addEventListener('pay-field-input', () => events++);
      await settle(form);
      equal(events, 0, 'no event without user action');
      await typeInto(form, input, spec.valid.slice(0, 1));
      equal(events, 1, 'one event per keystroke');
    });
  });
}
