import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectBrand } from '../../widget/lib/card-number.ts';
import { cvcLengths, formatCvc, validateCvc } from '../../widget/lib/cvc.ts';

const visa = detectBrand('4242');
const amex = detectBrand('3782');

test('CVC length by brand', () => {
  assert.deepEqual(cvcLengths(visa), [3]);
  assert.deepEqual(cvcLengths(amex), [4]);
  assert.deepEqual(cvcLengths(null), [3, 4]);
});

test('CVC input keeps digits only, cut at the brand length', () => {
  assert.equal(formatCvc('12345', visa), '123');
  assert.equal(formatCvc('12345', amex), '1234');
  assert.equal(formatCvc('1a2 3', null), '123');
});

test('CVC validity by brand', () => {
  assert.deepEqual(validateCvc('', visa), { state: 'empty', code: 'cvc.required' });
  assert.deepEqual(validateCvc('12', visa), { state: 'incomplete', code: 'cvc.incomplete' });
  assert.deepEqual(validateCvc('123', visa), { state: 'valid', code: null });
  assert.deepEqual(validateCvc('1234', visa), { state: 'invalid', code: 'cvc.invalid' });
  assert.deepEqual(validateCvc('123', amex), { state: 'incomplete', code: 'cvc.incomplete' });
  assert.deepEqual(validateCvc('1234', amex), { state: 'valid', code: null });
  assert.deepEqual(validateCvc('1234', null), { state: 'valid', code: null });
});
