import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatExpiry, parseExpiry, validateExpiry } from '../../widget/lib/expiry.ts';

const now = new Date(2026, 4, 15); // 15 May 2026

test('typing formats as MM/YY', () => {
  assert.equal(formatExpiry('1'), '1');
  assert.equal(formatExpiry('4'), '04');
  assert.equal(formatExpiry('12'), '12');
  assert.equal(formatExpiry('123'), '12/3');
  assert.equal(formatExpiry('1230'), '12/30');
  assert.equal(formatExpiry('12305'), '12/30');
  assert.equal(formatExpiry(''), '');
});

test('autofilled and pasted shapes are understood', () => {
  assert.equal(formatExpiry('12/2030'), '12/30');
  assert.equal(formatExpiry('04 / 27'), '04/27');
  assert.equal(formatExpiry('1/27'), '01/27');
  assert.equal(formatExpiry('1/'), '01');
  assert.equal(formatExpiry('12-30'), '12/30');
});

test('parseExpiry gives a month and a four-digit year', () => {
  assert.deepEqual(parseExpiry('04/27'), { month: 4, year: 2027 });
  assert.equal(parseExpiry('13/27'), null);
  assert.equal(parseExpiry('00/27'), null);
  assert.equal(parseExpiry('04/2'), null);
});

test('expiry in the past, this month, and the future', () => {
  assert.deepEqual(validateExpiry('04/26', now), { state: 'invalid', code: 'expiry.past' });
  assert.deepEqual(validateExpiry('12/25', now), { state: 'invalid', code: 'expiry.past' });
  assert.deepEqual(validateExpiry('05/26', now), { state: 'valid', code: null }, 'valid through the end of its month');
  assert.deepEqual(validateExpiry('01/27', now), { state: 'valid', code: null });
  assert.deepEqual(validateExpiry('05/46', now), { state: 'valid', code: null }, 'twenty years ahead');
  assert.deepEqual(validateExpiry('06/46', now), { state: 'invalid', code: 'expiry.invalid' }, 'beyond twenty years');
});

test('expiry validity is four-way', () => {
  assert.deepEqual(validateExpiry('', now), { state: 'empty', code: 'expiry.required' });
  assert.deepEqual(validateExpiry('1', now), { state: 'incomplete', code: 'expiry.incomplete' });
  assert.deepEqual(validateExpiry('12/3', now), { state: 'incomplete', code: 'expiry.incomplete' });
  assert.deepEqual(validateExpiry('13', now), { state: 'invalid', code: 'expiry.invalid' });
  assert.deepEqual(validateExpiry('13/30', now), { state: 'invalid', code: 'expiry.invalid' });
});
