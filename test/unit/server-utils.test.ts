import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger, redactString } from '../../server/log.ts';
import { clientSecretFor, sessionIdOfClientSecret, verifyClientSecret, randomToken } from '../../server/crypto.ts';
import { checkCard } from '../../server/payments/service.ts';
import { ipv4Of, providerIpv4 } from '../../server/providers/ip.ts';
import { buildPayAgencyRequest } from '../../server/providers/payagency/adapter.ts';

describe('log redaction', () => {
  it('redacts by field name and by value pattern', () => {
    const log = memoryLogger();
    log.info('confirm', {
      authorization: 'Bearer sk_test_abc',
      card: { number: '4242424242424242', cvc: '123' },
      note: 'card 4242 4242 4242 4242 with key sk_live_ABCDEFGHIJKLMNOP and cs_abc_secret_xyz-_1',
      path: '/hooks/payagency/pay_123/SECRETTOKEN123',
    });
    const line = log.lines[0]!;
    for (const leak of ['4242', 'sk_test_abc', 'ABCDEFGHIJKLMNOP', 'xyz-_1', 'SECRETTOKEN123', '"123"']) assert.ok(!line.includes(leak), leak);
    assert.match(line, /cs_abc_secret_\[redacted\]/);
  });
  it('redacts each kind of secret when it is the only one in the string', () => {
    const cases: [string, string][] = [
      ['key rk_live_Abc123', 'key rk_live_[redacted]'],
      ['cs_Q1_secret_Zz-_9', 'cs_Q1_secret_[redacted]'],
      ['GET /return/pay_7/Tok3n', 'GET /return/pay_7/[redacted]'],
      ['/hooks/pagou/pay_7/Tok3n?x=1', '/hooks/pagou/pay_7/[redacted]?x=1'],
      ['whsec_AbC', 'whsec_[redacted]'],
      ['https://pay.example/i/pinv_AbC', 'https://pay.example/i/pinv_[redacted]'],
      ['pan 4111-1111-1111-1111.', 'pan [redacted-pan].'],
      ['4000000000003220', '[redacted-pan]'],
    ];
    for (const [input, expected] of cases) assert.equal(redactString(input), expected);
  });
  it('leaves ordinary numbers alone', () => {
    assert.equal(redactString('amount 1500 took 12 ms, order 2024-11-01'), 'amount 1500 took 12 ms, order 2024-11-01');
  });
});

describe('client secrets', () => {
  it('are derived from the session id and verified in constant time', () => {
    const secret = clientSecretFor('cs_abc123', 'x'.repeat(32));
    assert.equal(sessionIdOfClientSecret(secret), 'cs_abc123');
    assert.ok(verifyClientSecret('cs_abc123', secret, 'x'.repeat(32)));
    assert.ok(!verifyClientSecret('cs_abc124', secret, 'x'.repeat(32)));
    assert.ok(!verifyClientSecret('cs_abc123', secret, 'y'.repeat(32)));
  });
  it('random tokens are base62 and distinct', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => randomToken(24)));
    assert.equal(tokens.size, 200);
    for (const token of tokens) assert.match(token, /^[0-9A-Za-z]{24}$/);
  });
  it('random tokens stay distinct and evenly spread across many refills of the random pool', () => {
    const tokens = Array.from({ length: 2000 }, () => randomToken(40));
    assert.equal(new Set(tokens).size, tokens.length);
    const counts = new Map<string, number>();
    for (const char of tokens.join('')) counts.set(char, (counts.get(char) ?? 0) + 1);
    assert.equal(counts.size, 62);
    // 80,000 characters over 62: about 1290 each; a skewed byte mapping would push some far off.
    for (const [char, n] of counts) assert.ok(n > 1100 && n < 1500, `${char} appeared ${n} times`);
  });
});

describe('server-side card checks', () => {
  const now = new Date(Date.UTC(2026, 10, 21));
  const card = (number: string, exp_month = 12, exp_year = 2030, cvc = '123') => ({ number, exp_month, exp_year, cvc, name: 'A B' });
  it('accepts a valid card and reports its brand', () => {
    assert.deepEqual(checkCard(card('4242 4242 4242 4242'), now), { digits: '4242424242424242', brand: 'visa' });
    assert.equal(checkCard(card('378282246310005', 1, 2030, '1234'), now).brand, 'american-express');
  });
  it('accepts the current month and refuses the previous one', () => {
    assert.doesNotThrow(() => checkCard(card('4242424242424242', 11, 2026), now));
    assert.throws(() => checkCard(card('4242424242424242', 10, 2026), now), /expired/);
  });
  it('refuses bad Luhn and CVC length by brand', () => {
    assert.throws(() => checkCard(card('4242424242424241'), now), /not a valid card number/);
    assert.throws(() => checkCard(card('378282246310005', 1, 2030, '123'), now), /4 digits/);
    assert.throws(() => checkCard(card('4242424242424242', 1, 2030, '1234'), now), /3 digits/);
  });
});

describe('provider IP addresses', () => {
  it('sends IPv4 as is, unwraps mapped and loopback IPv6, and uses the fallback for other IPv6', () => {
    assert.equal(providerIpv4('203.0.113.9', '0.0.0.0'), '203.0.113.9');
    assert.equal(providerIpv4('::ffff:198.51.100.4', '0.0.0.0'), '198.51.100.4');
    assert.equal(providerIpv4('::1', '0.0.0.0'), '127.0.0.1');
    assert.equal(providerIpv4('2001:db8::1', '192.0.2.1'), '192.0.2.1');
    assert.equal(providerIpv4(undefined, '0.0.0.0'), '0.0.0.0');
  });

  it('gives no IPv4 for an IPv6 buyer or a malformed address (Pagou then gets no ip_address)', () => {
    assert.equal(ipv4Of('2001:db8::1'), null);
    assert.equal(ipv4Of('256.1.1.1'), null);
    assert.equal(ipv4Of('01.2.3.4'), null);
    assert.equal(ipv4Of('::FFFF:10.0.0.1'), '10.0.0.1');
  });
});

describe('PayAgency request', () => {
  it('follows the documented fields, with a decimal amount string', () => {
    const body = buildPayAgencyRequest({
      paymentId: 'pay_1', sessionId: 'cs_1', amount: 1005, currency: 'USD', orderId: 'order-9', description: null,
      method: { type: 'card', card: { number: '4242 4242 4242 4242', exp_month: 3, exp_year: 2031, cvc: '012', name: 'Ada Lovelace' }, installments: 1 },
      customer: { email: 'ada@example.com', name: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace', country: 'GB' },
      lineItems: null, metadata: {}, captureMethod: 'automatic', surcharge: 0, buyerIp: '203.0.113.9', returnUrl: 'https://pay.example/return/pay_1/t', webhookUrl: 'https://pay.example/hooks/payagency/pay_1/t',
    });
    assert.deepEqual(body, {
      order_id: 'order-9', first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', ip_address: '203.0.113.9', country: 'GB',
      amount: '10.05', currency: 'USD', card_number: '4242424242424242', card_expiry_month: '03', card_expiry_year: '2031', card_cvv: '012',
      response_url: 'https://pay.example/return/pay_1/t', webhook_url: 'https://pay.example/hooks/payagency/pay_1/t',
    });
  });
});
