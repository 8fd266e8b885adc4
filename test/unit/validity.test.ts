import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateEmail, validateName } from '../../widget/lib/contact.ts';
import { visibleError, type Validity } from '../../widget/lib/validity.ts';

const incomplete: Validity = { state: 'incomplete', code: 'card_number.incomplete' };
const empty: Validity = { state: 'empty', code: 'card_number.required' };
const invalid: Validity = { state: 'invalid', code: 'card_number.invalid' };

test('an unfinished field is not flagged while the buyer is still in it', () => {
  assert.equal(visibleError(incomplete, { touched: false, submitted: false }), null);
  assert.equal(visibleError(invalid, { touched: false, submitted: false }), null);
});

test('an unfinished or wrong field is flagged after blur or submit', () => {
  assert.equal(visibleError(incomplete, { touched: true, submitted: false }), 'card_number.incomplete');
  assert.equal(visibleError(invalid, { touched: false, submitted: true }), 'card_number.invalid');
});

test('an empty field is flagged only on submit', () => {
  assert.equal(visibleError(empty, { touched: true, submitted: false }), null);
  assert.equal(visibleError(empty, { touched: false, submitted: true }), 'card_number.required');
});

test('a valid field is never flagged', () => {
  assert.equal(visibleError({ state: 'valid', code: null }, { touched: true, submitted: true }), null);
});

test('name on card', () => {
  assert.deepEqual(validateName('  '), { state: 'empty', code: 'name.required' });
  assert.deepEqual(validateName('Ada Lovelace'), { state: 'valid', code: null });
  assert.deepEqual(validateName('4242 4242 4242 4242'), { state: 'invalid', code: 'name.invalid' });
  assert.deepEqual(validateName('x'.repeat(101)), { state: 'invalid', code: 'name.invalid' });
});

test('email', () => {
  assert.deepEqual(validateEmail(''), { state: 'empty', code: 'email.required' });
  assert.deepEqual(validateEmail(' ada@example.com '), { state: 'valid', code: null });
  assert.deepEqual(validateEmail('ada@example'), { state: 'invalid', code: 'email.invalid' });
  assert.deepEqual(validateEmail('ada..x@example.com'), { state: 'invalid', code: 'email.invalid' });
  assert.deepEqual(validateEmail('ada example.com'), { state: 'invalid', code: 'email.invalid' });
});
