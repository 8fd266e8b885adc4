/**
 * The merchant's side of a webhook signature (server/webhooks/verify.ts), against a vector made
 * with `openssl dgst -sha256 -hmac`, and the server's signing (sign.ts) round-tripped through it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyWebhook } from '../../server/webhooks/verify.ts';
import { signatureHeader } from '../../server/webhooks/sign.ts';

const SECRET = 'whsec_test_secret';
const BODY = '{"id":"evt_1","object":"event"}';
const T = 1_700_000_000;
// printf '%s' '1700000000.{"id":"evt_1","object":"event"}' | openssl dgst -sha256 -hmac whsec_test_secret
const OPENSSL = '0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd';

describe('verifyWebhook', () => {
  test('accepts the signature openssl computes, and the server signs the same', () => {
    assert.deepEqual(verifyWebhook(BODY, `t=${T},v1=${OPENSSL}`, SECRET, 300, T), { ok: true, timestamp: T });
    assert.equal(signatureHeader([SECRET], T, BODY), `t=${T},v1=${OPENSSL}`);
    assert.equal(verifyWebhook(Buffer.from(BODY), `t=${T},v1=${OPENSSL}`, SECRET, 300, T).ok, true, 'a Buffer body too');
  });

  test('a tampered body, a wrong secret, a changed timestamp: refused', () => {
    assert.deepEqual(verifyWebhook(BODY.replace('evt_1', 'evt_2'), `t=${T},v1=${OPENSSL}`, SECRET, 300, T), { ok: false, reason: 'signature_mismatch' });
    assert.deepEqual(verifyWebhook(`${BODY} `, `t=${T},v1=${OPENSSL}`, SECRET, 300, T), { ok: false, reason: 'signature_mismatch' });
    assert.deepEqual(verifyWebhook(BODY, `t=${T},v1=${OPENSSL}`, 'whsec_other', 300, T), { ok: false, reason: 'signature_mismatch' });
    assert.deepEqual(verifyWebhook(BODY, `t=${T + 1},v1=${OPENSSL}`, SECRET, 300, T), { ok: false, reason: 'signature_mismatch' });
  });

  test('older than the tolerance, or too far in the future: refused even when signed right', () => {
    const old = signatureHeader([SECRET], T - 301, BODY);
    assert.deepEqual(verifyWebhook(BODY, old, SECRET, 300, T), { ok: false, reason: 'timestamp_too_old' });
    assert.equal(verifyWebhook(BODY, signatureHeader([SECRET], T - 300, BODY), SECRET, 300, T).ok, true, 'exactly at the limit');
    assert.deepEqual(verifyWebhook(BODY, signatureHeader([SECRET], T + 301, BODY), SECRET, 300, T), { ok: false, reason: 'timestamp_in_future' });
    assert.equal(verifyWebhook(BODY, signatureHeader([SECRET], T + 30, BODY), SECRET, 300, T).ok, true, 'a little clock skew is fine');
    assert.equal(verifyWebhook(BODY, old, SECRET, 600, T).ok, true, 'a custom tolerance');
  });

  test('several v1 (a rotation): any one matching is enough, in either position', () => {
    const both = signatureHeader(['whsec_new', SECRET], T, BODY);
    assert.equal(both.split(',').length, 3);
    assert.equal(verifyWebhook(BODY, both, SECRET, 300, T).ok, true, 'the old secret (second)');
    assert.equal(verifyWebhook(BODY, both, 'whsec_new', 300, T).ok, true, 'the new secret (first)');
    assert.equal(verifyWebhook(BODY, both, 'whsec_third', 300, T).ok, false);
    assert.equal(verifyWebhook(BODY, `t=${T}, v1=${'0'.repeat(64)}, v0=zz, v1=${OPENSSL}`, SECRET, 300, T).ok, true, 'spaces and unknown schemes ignored');
  });

  test('a missing or malformed header: refused, never an exception', () => {
    for (const header of [undefined, null, '', 't=', `v1=${OPENSSL}`, `t=${T}`, `t=abc,v1=${OPENSSL}`, `t=${T},v1=${OPENSSL.slice(2)}`, `t=${T},v1=${OPENSSL.toUpperCase()}x`, 'garbage']) {
      assert.deepEqual(verifyWebhook(BODY, header, SECRET, 300, T), { ok: false, reason: 'malformed_header' }, String(header));
    }
  });
});
