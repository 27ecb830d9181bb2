/** Byte limits per provider (api-contract.md, Payload limits), counted as the providers count. */
import { describe, expect, it } from 'vitest';
import { composeFor } from '../../src/payload/compose';
import { FCM_TOKEN_RESERVE, utf8Bytes } from '../../src/payload/limits';

const euroAlert = (n: number) => ({ aps: { alert: { title: 'T', body: '€'.repeat(n) } } });

describe('composeFor size limits', () => {
  it('accepts an APNs alert of 1351 euro signs when the body is 4094 bytes', () => {
    const apns = euroAlert(1351);
    expect(utf8Bytes(JSON.stringify(apns))).toBe(4094);
    expect(composeFor('APNS', { payload: { services: { apns } } }).ok).toBe(true);
  });

  it('refuses an APNs alert of 1352 euro signs naming 4097 bytes when it is over 4096', () => {
    const composed = composeFor('APNS', { payload: { services: { apns: euroAlert(1352) } } });
    expect(composed).toEqual({
      ok: false,
      problem: 'too-large',
      reason: 'The APNS payload is 4097 bytes; the limit is 4096.',
      path: '$.payload.services.apns',
    });
  });

  it('counts the FCM message with a token of the reserved size when checking 4096 bytes', () => {
    const token = 'x'.repeat(FCM_TOKEN_RESERVE);
    const fits = (n: number) => ({ notification: { body: 'a'.repeat(n) } });
    const size = (n: number) => utf8Bytes(JSON.stringify({ ...fits(n), token }));
    const largest = 4096 - size(0);
    expect(size(largest)).toBe(4096);
    expect(composeFor('FCM', { payload: { services: { fcm: fits(largest) } } }).ok).toBe(true);
    expect(composeFor('FCM', { payload: { services: { fcm: fits(largest + 1) } } })).toMatchObject({
      ok: false,
      reason:
        `The FCM payload is 4097 bytes with a ${FCM_TOKEN_RESERVE}-byte token; ` +
        'the limit is 4096.',
    });
  });

  it('counts the WNS toast after XML escaping when the text is ampersands', () => {
    const frame = utf8Bytes(
      '<toast><visual><binding template="ToastGeneric"><text></text></binding></visual></toast>',
    );
    const amps = Math.floor((5000 - frame) / '&amp;'.length);
    expect(composeFor('WNS', { message: '&'.repeat(amps) }).ok).toBe(true);
    expect(composeFor('WNS', { message: '&'.repeat(amps + 1) })).toMatchObject({
      ok: false,
      reason: `The WNS payload is ${frame + (amps + 1) * 5} bytes; the limit is 5000.`,
    });
  });

  it('counts SMS text in UTF-8 bytes when it is 1000 bytes or one more', () => {
    expect(composeFor('SYNIVERSE', { message: `${'€'.repeat(333)}a` }).ok).toBe(true);
    expect(composeFor('SYNIVERSE', { message: `${'€'.repeat(333)}ab` })).toMatchObject({
      ok: false,
      reason: 'The SYNIVERSE payload is 1001 bytes; the limit is 1000.',
      path: '$.message',
    });
  });
});
