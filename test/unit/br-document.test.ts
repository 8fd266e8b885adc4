/**
 * CPF/CNPJ: check digits against known documents (cross-checked with an independent
 * implementation), rejection of look-alikes, progressive formatting and as-you-type state.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  documentDigits, documentState, documentTypeOf, formatDocument, isValidCnpj, isValidCpf, parseDocument,
} from '../../contract/br-document.ts';

const VALID_CPFS = ['52998224725', '11144477735'];
const VALID_CNPJS = ['11222333000181', '11444777000161'];

describe('documentDigits / documentTypeOf', () => {
  test('keeps only digits', () => {
    assert.equal(documentDigits('529.982.247-25'), '52998224725');
    assert.equal(documentDigits(' 11.222.333/0001-81 '), '11222333000181');
    assert.equal(documentDigits('abc'), '');
  });

  test('up to 11 digits is a CPF, more is a CNPJ', () => {
    assert.equal(documentTypeOf(''), 'CPF');
    assert.equal(documentTypeOf('1234'), 'CPF');
    assert.equal(documentTypeOf('12345678901'), 'CPF');
    assert.equal(documentTypeOf('123456789012'), 'CNPJ');
    assert.equal(documentTypeOf('12345678901234'), 'CNPJ');
  });
});

describe('isValidCpf', () => {
  test('accepts known valid CPFs', () => {
    for (const cpf of VALID_CPFS) assert.equal(isValidCpf(cpf), true, cpf);
  });

  test('rejects a wrong first or second check digit', () => {
    assert.equal(isValidCpf('52998224715'), false);
    assert.equal(isValidCpf('52998224724'), false);
    assert.equal(isValidCpf('11144477736'), false);
  });

  test('rejects every all-same-digit number', () => {
    for (let d = 0; d <= 9; d++) assert.equal(isValidCpf(String(d).repeat(11)), false, String(d));
  });

  test('rejects wrong lengths and formatted input', () => {
    assert.equal(isValidCpf('5299822472'), false);
    assert.equal(isValidCpf('529982247250'), false);
    assert.equal(isValidCpf('529.982.247-25'), false);
    assert.equal(isValidCpf(''), false);
  });
});

describe('isValidCnpj', () => {
  test('accepts known valid CNPJs', () => {
    for (const cnpj of VALID_CNPJS) assert.equal(isValidCnpj(cnpj), true, cnpj);
  });

  test('rejects a wrong first or second check digit', () => {
    assert.equal(isValidCnpj('11222333000191'), false);
    assert.equal(isValidCnpj('11222333000182'), false);
    assert.equal(isValidCnpj('11444777000160'), false);
  });

  test('rejects every all-same-digit number', () => {
    for (let d = 0; d <= 9; d++) assert.equal(isValidCnpj(String(d).repeat(14)), false, String(d));
  });

  test('rejects wrong lengths and CPFs', () => {
    assert.equal(isValidCnpj('1122233300018'), false);
    assert.equal(isValidCnpj('112223330001810'), false);
    assert.equal(isValidCnpj('52998224725'), false);
  });
});

describe('formatDocument', () => {
  test('formats a CPF progressively without trailing separators', () => {
    const expected: Record<string, string> = {
      '': '', '1': '1', '123': '123', '1234': '123.4', '123456': '123.456', '1234567': '123.456.7',
      '123456789': '123.456.789', '1234567890': '123.456.789-0', '12345678901': '123.456.789-01',
    };
    for (const [input, output] of Object.entries(expected)) assert.equal(formatDocument(input), output, input);
  });

  test('switches to the CNPJ mask beyond 11 digits', () => {
    assert.equal(formatDocument('123456789012'), '12.345.678/9012');
    assert.equal(formatDocument('1234567890123'), '12.345.678/9012-3');
    assert.equal(formatDocument('11222333000181'), '11.222.333/0001-81');
  });

  test('keeps at most 14 digits and ignores non-digits', () => {
    assert.equal(formatDocument('112223330001819999'), '11.222.333/0001-81');
    assert.equal(formatDocument('529.982.247-25'), '529.982.247-25');
    assert.equal(formatDocument('529.982.247-2'), '529.982.247-2');
    assert.equal(formatDocument('11.222.333/0001-8'), '11.222.333/0001-8');
    assert.equal(formatDocument('abc'), '');
  });

  test('reformatting formatted output is stable', () => {
    for (const input of ['1234', '12345678901', '123456789012', '11222333000181']) {
      const once = formatDocument(input);
      assert.equal(formatDocument(once), once);
    }
  });
});

describe('parseDocument', () => {
  test('returns type and digits for valid documents, formatted or not', () => {
    assert.deepEqual(parseDocument('529.982.247-25'), { type: 'CPF', number: '52998224725' });
    assert.deepEqual(parseDocument('11144477735'), { type: 'CPF', number: '11144477735' });
    assert.deepEqual(parseDocument('11.222.333/0001-81'), { type: 'CNPJ', number: '11222333000181' });
    assert.deepEqual(parseDocument('11444777000161'), { type: 'CNPJ', number: '11444777000161' });
  });

  test('returns null for invalid, partial or over-long input', () => {
    for (const input of ['', '529.982.247-24', '111.111.111-11', '12345', '123456789012', '11222333000182',
      '00000000000000', '112223330001810']) {
      assert.equal(parseDocument(input), null, input);
    }
  });
});

describe('documentState', () => {
  test('empty without digits', () => {
    assert.equal(documentState(''), 'empty');
    assert.equal(documentState(' .-/'), 'empty');
  });

  test('incomplete below 11 and between 12 and 13 digits', () => {
    assert.equal(documentState('5'), 'incomplete');
    assert.equal(documentState('529.982.247-2'), 'incomplete');
    assert.equal(documentState('11.222.333/0001'), 'incomplete');
    assert.equal(documentState('11.222.333/0001-8'), 'incomplete');
  });

  test('valid for a complete valid CPF or CNPJ', () => {
    for (const doc of [...VALID_CPFS, ...VALID_CNPJS]) assert.equal(documentState(doc), 'valid', doc);
    assert.equal(documentState('529.982.247-25'), 'valid');
  });

  test('invalid at 11 failing digits, then incomplete again while typing a CNPJ', () => {
    assert.equal(documentState('11222333000'), 'invalid');
    assert.equal(documentState('112223330001'), 'incomplete');
    assert.equal(documentState('11222333000181'), 'valid');
  });

  test('invalid for a failing CNPJ, all-same digits, or more than 14 digits', () => {
    assert.equal(documentState('11222333000182'), 'invalid');
    assert.equal(documentState('111.111.111-11'), 'invalid');
    assert.equal(documentState('00000000000000'), 'invalid');
    assert.equal(documentState('112223330001810'), 'invalid');
  });
});
