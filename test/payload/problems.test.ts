/** Payload rules that need the whole request: targets, validity per provider, limits. */
import { describe, expect, it } from 'vitest';
import { payloadProblems } from '../../src/payload/problems';
import { targetedProviders } from '../../src/payload/targets';
import { PROVIDERS } from '../../src/providers/types';

describe('targetedProviders', () => {
  it('lists every provider when there is no filter', () => {
    expect(targetedProviders({})).toEqual(['APNS', 'FCM', 'WNS', 'SYNIVERSE']);
  });

  it('lists the providers a platform can register with when platform is given', () => {
    expect(targetedProviders({ platform: 'WINDOWS' })).toEqual(['WNS', 'SYNIVERSE']);
    expect(targetedProviders({ platform: 'ANDROID' })).toEqual(['FCM', 'SYNIVERSE']);
    expect(targetedProviders({ platform: 'IOS' })).toEqual(['APNS', 'FCM', 'SYNIVERSE']);
  });

  it('keeps only the given provider when provider is given', () => {
    expect(targetedProviders({ provider: 'FCM', platform: 'WEB' })).toEqual(['FCM']);
    expect(targetedProviders({ provider: 'WNS', platform: 'IOS' })).toEqual([]);
  });
});

describe('payloadProblems', () => {
  it('finds nothing when a plain message goes to every provider', () => {
    expect(payloadProblems({ message: 'Hi' }, PROVIDERS)).toEqual([]);
  });

  it('refuses a JSON message for each targeted provider it does not fit', () => {
    const content = { message: '{"aps": {"alert": "Hi"}}' };
    expect(payloadProblems(content, ['APNS', 'WNS'])).toEqual([]);
    expect(payloadProblems(content, PROVIDERS)).toEqual([
      {
        path: '$.message',
        title:
          '$.message is not a valid FCM payload: aps: aps is not a field of an FCM message.; ' +
          'An FCM message needs a notification or data object.',
        code: 'INVALID_FIELD',
      },
    ]);
  });

  it('names the provider, byte count and field when a payload is over its limit', () => {
    const content = {
      message: 'x'.repeat(1001),
      payload: { services: { apns: { aps: { alert: '€'.repeat(1400) } } } },
    };
    expect(payloadProblems(content, PROVIDERS)).toEqual([
      {
        path: '$.payload.services.apns',
        title: 'The APNS payload is 4220 bytes; the limit is 4096.',
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        path: '$.message',
        title: 'The SYNIVERSE payload is 1001 bytes; the limit is 1000.',
        code: 'PAYLOAD_TOO_LARGE',
      },
    ]);
  });

  it('ignores an oversized payload when its provider is not targeted', () => {
    expect(payloadProblems({ message: 'x'.repeat(1001) }, ['APNS', 'FCM'])).toEqual([]);
  });

  it('refuses content when no targeted provider has anything to send', () => {
    const content = {
      template: { name: '#default' as const, parameters: { badge: 1 } },
      payload: { services: { syniverse: 'sms' } },
    };
    expect(payloadProblems(content, ['APNS'])).toEqual([]);
    const title = 'Nothing to send to any targeted provider (FCM, WNS).';
    expect(payloadProblems(content, ['FCM', 'WNS'])).toEqual([
      { path: '$.template.parameters', title, code: 'INVALID_FIELD' },
      { path: '$.payload.services', title, code: 'INVALID_FIELD' },
    ]);
  });

  it('accepts content when only some targeted providers have nothing to send', () => {
    const content = { template: { name: '#default' as const, parameters: { badge: 1 } } };
    expect(payloadProblems(content, PROVIDERS)).toEqual([]);
  });
});
