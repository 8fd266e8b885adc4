import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectBrand, formatCardNumber, groupDigits, validateCardNumber } from '../../widget/lib/card-number.ts';
import { reformat } from '../../widget/lib/caret.ts';

test('visa numbers group 4-4-4-4', () => {
  assert.equal(formatCardNumber('4242424242424242'), '4242 4242 4242 4242');
  assert.equal(formatCardNumber('42424'), '4242 4');
  assert.equal(formatCardNumber('4242'), '4242');
});

test('amex numbers group 4-6-5 and stop at 15 digits', () => {
  assert.equal(formatCardNumber('378282246310005'), '3782 822463 10005');
  assert.equal(formatCardNumber('3782822463100059999'), '3782 822463 10005');
  assert.equal(formatCardNumber('37828'), '3782 8');
});

test('pasted or autofilled numbers with separators are cleaned', () => {
  assert.equal(formatCardNumber(' 4242-4242 4242.4242 '), '4242 4242 4242 4242');
  assert.equal(formatCardNumber('abc'), '');
});

test('unknown brands group by 4 and allow 19 digits', () => {
  assert.equal(groupDigits('12345678', [4, 8, 12]), '1234 5678');
  assert.equal(formatCardNumber('9'.repeat(25)).replace(/ /g, '').length, 19);
});

test('brand is detected as the buyer types', () => {
  assert.equal(detectBrand('42')?.type, 'visa');
  assert.equal(detectBrand('4'), null, 'a lone 4 may still be Elo or Visa');
  assert.equal(detectBrand('34')?.name, 'American Express');
  assert.equal(detectBrand('5555')?.type, 'mastercard');
  assert.equal(detectBrand('3'), null, 'ambiguous prefix');
  assert.equal(detectBrand(''), null);
});

test('card number validity is four-way', () => {
  assert.deepEqual(validateCardNumber(''), { state: 'empty', code: 'card_number.required' });
  assert.deepEqual(validateCardNumber('4242 42'), { state: 'incomplete', code: 'card_number.incomplete' });
  assert.deepEqual(validateCardNumber('4242 4242 4242 4242'), { state: 'valid', code: null });
  assert.deepEqual(validateCardNumber('3782 822463 10005'), { state: 'valid', code: null });
  assert.deepEqual(validateCardNumber('4242 4242 4242 4241'), { state: 'invalid', code: 'card_number.invalid' }, 'Luhn');
  assert.deepEqual(validateCardNumber('9999 9999'), { state: 'invalid', code: 'card_number.invalid' }, 'no brand');
});

test('reformat keeps the caret after the same digit', () => {
  // Typing a fifth digit at the end moves past the inserted space.
  assert.deepEqual(reformat({ raw: '42424', caret: 5, previous: '4242', deleting: null }, formatCardNumber), { value: '4242 4', caret: 6 });
  // Inserting a digit in the middle keeps the caret right after it.
  assert.deepEqual(reformat({ raw: '42142 4242', caret: 3, previous: '4242 4242', deleting: null }, formatCardNumber), { value: '4214 2424 2', caret: 3 });
});

test('backspace over a separator deletes the digit before it', () => {
  // '4242 4|' caret after the space: the browser removed the space, we remove the 2 before it.
  assert.deepEqual(reformat({ raw: '42424', caret: 4, previous: '4242 4', deleting: 'backward' }, formatCardNumber), { value: '4244', caret: 3 });
  // Delete (forward) over a separator deletes the digit after it.
  assert.deepEqual(reformat({ raw: '42424', caret: 4, previous: '4242 4', deleting: 'forward' }, formatCardNumber), { value: '4242', caret: 4 });
});
