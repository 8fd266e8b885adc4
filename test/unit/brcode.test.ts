/**
 * PIX BR Code: the CRC-16/CCITT-FALSE check value and the manual's static example payload,
 * building a dynamic code and parsing it back, CRC tamper detection, amount and name rules.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildBrCode, crc16, formatAmount, parseBrCode, parseTlv, tlv } from '../../server/simulators/pagou/brcode.ts';

/** The static example from the BCB Pix manual; its CRC 1D3D was cross-checked with Python's binascii.crc_hqx. */
const MANUAL_EXAMPLE =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR'
  + '5913Fulano de Tal6008BRASILIA62070503***63041D3D';

const INPUT = {
  locationUrl: 'https://pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25',
  amount: 12345,
  merchantName: 'Loja Exemplo',
  merchantCity: 'Rio de Janeiro',
};

describe('crc16', () => {
  test('matches the CRC-16/CCITT-FALSE check value', () => {
    assert.equal(crc16('123456789'), '29B1');
  });

  test('is four uppercase hex digits, zero-padded', () => {
    assert.equal(crc16(''), 'FFFF');
    assert.match(crc16('a'), /^[0-9A-F]{4}$/);
  });

  test('matches the published example payload', () => {
    assert.equal(crc16(MANUAL_EXAMPLE.slice(0, -4)), '1D3D');
    const parsed = parseBrCode(MANUAL_EXAMPLE);
    assert.equal(parsed.crcValid, true);
    assert.equal(parsed.merchantAccount['01'], '123e4567-e12b-12d1-a456-426655440000');
    assert.equal(parsed.fields['59'], 'Fulano de Tal');
  });
});

describe('buildBrCode', () => {
  test('parses back with every field', () => {
    const payload = buildBrCode({ ...INPUT, txid: 'abc123' });
    const { fields, merchantAccount, additional, crcValid } = parseBrCode(payload);
    assert.equal(crcValid, true);
    assert.deepEqual(Object.keys(fields).sort(), ['00', '01', '26', '52', '53', '54', '58', '59', '60', '62', '63']);
    assert.equal(fields['00'], '01');
    assert.equal(fields['01'], '12');
    assert.deepEqual(merchantAccount, { '00': 'br.gov.bcb.pix', '25': 'pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25' });
    assert.equal(fields['52'], '0000');
    assert.equal(fields['53'], '986');
    assert.equal(fields['54'], '123.45');
    assert.equal(fields['58'], 'BR');
    assert.equal(fields['59'], 'Loja Exemplo');
    assert.equal(fields['60'], 'Rio de Janeiro');
    assert.deepEqual(additional, { '05': 'abc123' });
    assert.match(fields['63'] ?? '', /^[0-9A-F]{4}$/);
    assert.ok(payload.startsWith('000201010212'));
    assert.equal(payload.slice(-8, -4), '6304');
  });

  test('txid defaults to ***', () => {
    assert.deepEqual(parseBrCode(buildBrCode(INPUT)).additional, { '05': '***' });
  });

  test('flipping any one character breaks the CRC', () => {
    const payload = buildBrCode(INPUT);
    const crcStart = payload.length - 4;
    for (let i = 0; i < payload.length; i++) {
      const ch = payload[i] ?? '';
      const flipped = payload.slice(0, i) + (ch === 'A' ? 'B' : ch === '0' ? '1' : ch === 'X' ? 'Y' : 'X') + payload.slice(i + 1);
      let crcValid = false;
      try {
        crcValid = parseBrCode(flipped).crcValid;
      } catch {
        continue; // a flipped ID or length can make the TLV malformed, which is also a rejection
      }
      assert.equal(crcValid, false, `flip at ${i}${i >= crcStart ? ' (in CRC)' : ''}`);
    }
  });

  test('a lowercase-hex CRC still verifies', () => {
    const payload = buildBrCode(INPUT);
    assert.equal(parseBrCode(payload.slice(0, -4) + payload.slice(-4).toLowerCase()).crcValid, true);
  });

  test('formats amounts with two decimals', () => {
    assert.equal(formatAmount(1), '0.01');
    assert.equal(formatAmount(10), '0.10');
    assert.equal(formatAmount(100), '1.00');
    assert.equal(formatAmount(12345), '123.45');
    assert.equal(formatAmount(100_000_000), '1000000.00');
    assert.equal(parseBrCode(buildBrCode({ ...INPUT, amount: 1 })).fields['54'], '0.01');
    assert.equal(parseBrCode(buildBrCode({ ...INPUT, amount: 100_000_000 })).fields['54'], '1000000.00');
  });

  test('rejects amounts that are not positive integers or too long', () => {
    for (const amount of [0, -1, 1.5, NaN]) assert.throws(() => buildBrCode({ ...INPUT, amount }), RangeError);
    assert.throws(() => formatAmount(1e13), RangeError);
  });

  test('strips accents and non-ASCII, and truncates name and city', () => {
    const { fields } = parseBrCode(buildBrCode({
      ...INPUT, merchantName: 'Padaria Pão de Açúcar & Cia Ltda', merchantCity: 'São Paulo',
    }));
    assert.equal(fields['59'], 'Padaria Pao de Acucar & C');
    assert.equal(fields['60'], 'Sao Paulo');
    const long = parseBrCode(buildBrCode({ ...INPUT, merchantName: 'Café ☕ Ñandú', merchantCity: 'Santa Bárbara d\'Oeste' }));
    assert.equal(long.fields['59'], 'Cafe  Nandu');
    assert.equal(long.fields['60'], 'Santa Barbara d');
  });

  test('accepts a URL without scheme and rejects one over 77 chars', () => {
    const payload = buildBrCode({ ...INPUT, locationUrl: 'pix.example.com/x' });
    assert.equal(parseBrCode(payload).merchantAccount['25'], 'pix.example.com/x');
    assert.throws(() => buildBrCode({ ...INPUT, locationUrl: `https://${'a'.repeat(78)}` }), RangeError);
    assert.doesNotThrow(() => buildBrCode({ ...INPUT, locationUrl: `https://${'a'.repeat(77)}` }));
  });

  test('rejects a bad txid or an empty name', () => {
    assert.throws(() => buildBrCode({ ...INPUT, txid: 'has space' }), RangeError);
    assert.throws(() => buildBrCode({ ...INPUT, txid: 'a'.repeat(26) }), RangeError);
    assert.throws(() => buildBrCode({ ...INPUT, merchantName: '☕' }), RangeError);
  });
});

describe('TLV', () => {
  test('tlv zero-pads the length and refuses values over 99 chars', () => {
    assert.equal(tlv('58', 'BR'), '5802BR');
    assert.equal(tlv('62', 'x'.repeat(99)).slice(0, 4), '6299');
    assert.throws(() => tlv('62', 'x'.repeat(100)), RangeError);
  });

  test('parseBrCode throws on malformed TLV', () => {
    assert.throws(() => parseBrCode('000201' + '5910short'), SyntaxError);
    assert.throws(() => parseBrCode('0002010'), SyntaxError);
    assert.throws(() => parseBrCode('AB02BR'), SyntaxError);
    assert.throws(() => parseBrCode('5802BR5802BR'), SyntaxError);
    assert.throws(() => parseBrCode('000201260300X'), SyntaxError); // nested 26 with a truncated sub-field header
    assert.throws(() => parseBrCode('0002012606000599'), SyntaxError); // nested 26 whose sub-field overruns it
  });

  test('a payload without a CRC field is not valid', () => {
    assert.deepEqual(parseTlv('000201'), { '00': '01' });
    assert.equal(parseBrCode('0002015802BR').crcValid, false);
  });
});
