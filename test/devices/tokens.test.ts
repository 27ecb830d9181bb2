/** Token rules of the device registry (api-contract.md, Device registry), unit by unit. */
import { describe, expect, it } from 'vitest';
import {
  canonicalProvider,
  DEFAULT_PROVIDER,
  MAX_TOKEN_BYTES,
  normaliseToken,
  providerMismatch,
  tokenCandidates,
} from '../../src/devices/tokens';
import type { Platform, Provider } from '../../src/providers/types';

const HEX64 = '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
const UUID = '03767dea-29ac-4440-b4f6-75a755845ade';
const WNS_URI = 'https://db5.notify.windows.com/?token=AwYAAAB%2bZ3x';

describe('normaliseToken', () => {
  it.each<[string, Provider, string, string]>([
    ['lower-cases an APNs hex token', 'APNS', HEX64.toUpperCase(), HEX64],
    ['keeps a lower-case APNs hex token', 'APNS', HEX64, HEX64],
    ['trims an APNs token', 'APNS', `  ${HEX64}\n`, HEX64],
    ['lower-cases a UUID-shaped APNs token', 'APNS', UUID.toUpperCase(), UUID],
    ['keeps a UUID-shaped APNs token', 'APNS', UUID, UUID],
    ['unwraps an NSData description', 'APNS', '<0A1B2C3D 4E5F6071>', '0a1b2c3d4e5f6071'],
    ['keeps the case of an FCM token', 'FCM', 'dXyZ:APA91bH-k_Q', 'dXyZ:APA91bH-k_Q'],
    ['trims an FCM token', 'FCM', '\t dXyZ:APA91b \r\n', 'dXyZ:APA91b'],
    ['keeps a WNS channel URI as given', 'WNS', WNS_URI, WNS_URI],
    [
      'rewrites a formatted phone number as E.164',
      'SYNIVERSE',
      '+1 (415) 555-0123',
      '+14155550123',
    ],
    ['reads a 00 prefix as +', 'SYNIVERSE', '0044 20 7946 0958', '+442079460958'],
    ['drops dots from a phone number', 'SYNIVERSE', '+1.415.555.0123', '+14155550123'],
    ['accepts the shortest E.164 number', 'SYNIVERSE', '+1234567', '+1234567'],
    ['accepts the longest E.164 number', 'SYNIVERSE', '+123456789012345', '+123456789012345'],
  ])('%s when it is valid', (_, provider, raw, stored) => {
    expect(normaliseToken(provider, raw)).toEqual({ ok: true, token: stored });
  });

  it.each<[string, Provider, string, RegExp]>([
    ['refuses an empty token', 'FCM', '', /empty/],
    ['refuses a blank token', 'APNS', ' \t\r\n ', /empty/],
    ['refuses a NUL inside a token', 'FCM', 'abc\u0000def', /control/],
    ['refuses a tab inside a token', 'APNS', 'ab\tcd', /control/],
    ['refuses DEL inside a token', 'WNS', `${WNS_URI}\u007f`, /control/],
    ['refuses a C1 control inside a token', 'SYNIVERSE', '+1415\u00855550123', /control/],
    ['refuses a token of one control character', 'FCM', '\u0000', /control/],
    ['refuses an APNs token that is not hex', 'APNS', 'not-a-token', /hexadecimal/],
    ['refuses a dashed APNs token that is not UUID-shaped', 'APNS', '0a1b-2c3d', /hexadecimal/],
    ['refuses white space inside an FCM token', 'FCM', 'abc def', /white space/],
    ['refuses a no-break space inside an FCM token', 'FCM', 'abc\u00a0def', /white space/],
    ['refuses white space inside a WNS token', 'WNS', 'https://a b', /white space/],
    ['refuses a phone number without a country prefix', 'SYNIVERSE', '4155550123', /E\.164/],
    ['refuses a phone number starting with +0', 'SYNIVERSE', '+0415555012', /E\.164/],
    ['refuses a phone number of six digits', 'SYNIVERSE', '+123456', /E\.164/],
    ['refuses a phone number of sixteen digits', 'SYNIVERSE', '+1234567890123456', /E\.164/],
    ['refuses a phone number with letters', 'SYNIVERSE', '+1 415 CALL NOW', /E\.164/],
  ])('%s when it is invalid', (_, provider, raw, reason) => {
    const result = normaliseToken(provider, raw);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('accepts exactly 4096 bytes when counted in UTF-8 bytes, not characters', () => {
    expect(MAX_TOKEN_BYTES).toBe(4096);
    expect(normaliseToken('WNS', 'a'.repeat(4096))).toEqual({ ok: true, token: 'a'.repeat(4096) });
    expect(normaliseToken('WNS', 'é'.repeat(2048)).ok).toBe(true);
  });

  it('accepts an FCM token of 256 bytes and refuses a longer one', () => {
    expect(normaliseToken('FCM', 'a'.repeat(256)).ok).toBe(true);
    expect(normaliseToken('FCM', 'a'.repeat(257))).toEqual({
      ok: false,
      reason: 'An FCM token is at most 256 bytes.',
    });
  });

  it('refuses a token over 4096 bytes when counted in UTF-8 bytes', () => {
    for (const raw of ['a'.repeat(4097), 'é'.repeat(2049), 'f'.repeat(5000)]) {
      const result = normaliseToken('WNS', raw);
      expect(result).toEqual({ ok: false, reason: expect.stringMatching(/4096 bytes/) });
    }
    expect(normaliseToken('APNS', 'A'.repeat(4097)).ok).toBe(false);
  });

  it('measures the length after trimming when the padding alone makes it too long', () => {
    expect(normaliseToken('WNS', ` ${'a'.repeat(4096)} `)).toEqual({
      ok: true,
      token: 'a'.repeat(4096),
    });
  });
});

describe('tokenCandidates', () => {
  it.each<[string, string, string[]]>([
    ['the APNs and the as-given form', HEX64.toUpperCase(), [HEX64, HEX64.toUpperCase()]],
    ['one form', HEX64, [HEX64]],
    ['both forms of a UUID-shaped token', UUID.toUpperCase(), [UUID, UUID.toUpperCase()]],
    ['only the as-given form of an FCM token', 'dXyZ:APA91bH-k_Q', ['dXyZ:APA91bH-k_Q']],
    ['only the E.164 form of a formatted phone number', '+1 (415) 555-0123', ['+14155550123']],
    ['one form of an E.164 phone number', '+14155550123', ['+14155550123']],
    ['the hex and the E.164 reading of a 00 number', '00441234567', ['00441234567', '+441234567']],
    ['the channel URI of a WNS token', WNS_URI, [WNS_URI]],
    ['trimmed forms', `  ${HEX64}  `, [HEX64]],
    ['nothing for an empty token', '', []],
    ['nothing for a token with a control character', 'ab\u0000cd', []],
  ])('lists %s when the token is %j', (_, raw, forms) => {
    expect(tokenCandidates(raw)).toEqual(forms);
  });
});

describe('providerMismatch', () => {
  it.each<[Provider, Platform]>([
    ['APNS', 'IOS'],
    ['APNS', 'WEB'],
    ['FCM', 'ANDROID'],
    ['FCM', 'WEB'],
    ['FCM', 'IOS'],
    ['WNS', 'WINDOWS'],
    ['SYNIVERSE', 'IOS'],
    ['SYNIVERSE', 'ANDROID'],
    ['SYNIVERSE', 'WINDOWS'],
    ['SYNIVERSE', 'WEB'],
  ])('finds no mismatch when %s serves %s', (provider, platform) => {
    expect(providerMismatch(provider, platform)).toBeNull();
  });

  it.each<[Provider, Platform]>([
    ['APNS', 'ANDROID'],
    ['APNS', 'WINDOWS'],
    ['FCM', 'WINDOWS'],
    ['WNS', 'IOS'],
    ['WNS', 'ANDROID'],
    ['WNS', 'WEB'],
  ])('gives a reason naming the provider when %s cannot serve %s', (provider, platform) => {
    const reason = providerMismatch(provider, platform);
    expect(reason).toEqual(expect.stringContaining(provider));
    expect(reason).toEqual(expect.stringContaining('platform'));
  });
});

describe('provider names', () => {
  it('maps each platform to its provider when no provider is given', () => {
    expect(DEFAULT_PROVIDER).toEqual({ IOS: 'APNS', ANDROID: 'FCM', WINDOWS: 'WNS', WEB: 'FCM' });
  });

  it.each([
    ['FCM', 'GCM'],
    ['FCM', 'FCM'],
    ['APNS', 'APNS'],
    ['WNS', 'WNS'],
    ['SYNIVERSE', 'SYNIVERSE'],
  ])('stores %s when %s is given', (stored, given) => {
    expect(canonicalProvider(given)).toBe(stored);
  });
});
