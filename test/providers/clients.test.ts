/** sendToDevice end to end against the sandbox providers (sandbox/), one provider per block. */
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SendContext, sendToDevice } from '../../src/providers/index';
import type { ApnsCredentials, ProviderPayload } from '../../src/providers/types';
import { freshApnsKey, hexToken, sandboxRequests } from '../helpers';

const url = env.SANDBOX_URL;
const trust = env.SANDBOX_CREDENTIALS;
const ctx: SendContext = {
  endpoints: {
    apnsDevelopmentUrl: `${url}/apns/development`,
    apnsProductionUrl: `${url}/apns/production`,
    fcmUrl: `${url}/fcm`,
    googleTokenUrl: `${url}/google/token`,
    wnsLoginUrl: `${url}/wns/accesstoken.srf`,
    wnsEntraUrl: `${url}/entra`,
    wnsChannelOrigins: [url],
    syniverseUrl: `${url}/syniverse/scg-external-api/api/v1`,
    syniverseTokenUrl: `${url}/syniverse/saop-rest-data/v1/apptoken-refresh`,
  },
};
const device = (token: string) => ({ deviceId: crypto.randomUUID(), token });
const unique = () => crypto.randomUUID().replaceAll('-', '');

async function otherPkcs8Pem(
  algorithm: Parameters<typeof crypto.subtle.generateKey>[0],
): Promise<string> {
  const pair = (await crypto.subtle.generateKey(algorithm, true, ['sign'])) as CryptoKeyPair;
  const der = (await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer;
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN PRIVATE KEY-----\n${base64}\n-----END PRIVATE KEY-----\n`;
}

describe('sendToDevice with APNs', () => {
  // A key of this file's own: the sandbox refuses a key's token changing within 20 minutes.
  let credentials: ApnsCredentials;
  beforeAll(async () => {
    const { teamId, keyId, bundleId, privateKeyPem } = await freshApnsKey();
    credentials = {
      provider: 'APNS',
      teamId,
      keyId,
      bundleId,
      privateKeyPem,
      environment: 'development',
    };
  });
  const payload: ProviderPayload = {
    provider: 'APNS',
    body: '{"aps":{"alert":{"title":"Hi","body":"There"}}}',
    pushType: 'alert',
    priority: 10,
  };

  it('accepted when the token is live, with apns-id from the message key', async () => {
    const token = hexToken('ab');
    const messageKey = crypto.randomUUID();
    expect(await sendToDevice(credentials, payload, device(token), ctx, messageKey)).toEqual({
      kind: 'accepted',
    });
    const [record] = await sandboxRequests(token, 'APNS');
    expect(record?.headers['apns-id']).toBe(messageKey);
    expect(record?.headers['content-length']).toBe(String(payload.body.length));
  });

  it('dead when the sandbox answers 410 Unregistered', async () => {
    const outcome = await sendToDevice(credentials, payload, device(hexToken('dead')), ctx, 'k');
    expect(outcome).toEqual({ kind: 'dead', reason: 'APNs 410 Unregistered' });
  });

  it('retry when the sandbox answers 503', async () => {
    const outcome = await sendToDevice(credentials, payload, device(hexToken('fa11')), ctx, 'k');
    expect(outcome).toEqual({ kind: 'retry', reason: 'APNs 503 ServiceUnavailable' });
  });

  it('credentials when the JWT is signed with a key APNs does not know', async () => {
    const privateKeyPem = await otherPkcs8Pem({ name: 'ECDSA', namedCurve: 'P-256' });
    const stranger = { ...credentials, teamId: 'STRANGER01', privateKeyPem };
    const outcome = await sendToDevice(stranger, payload, device(hexToken('ab')), ctx, 'k');
    expect(outcome).toMatchObject({ kind: 'credentials' });
  });
});

describe('sendToDevice with FCM', () => {
  const credentials = { provider: 'FCM' as const, ...trust.fcm };
  const payload: ProviderPayload = {
    provider: 'FCM',
    message: { notification: { title: 'Hi', body: 'There' }, data: { n: '3' } },
  };

  it('accepted when the token is live', async () => {
    const token = `live-${unique()}`;
    expect(await sendToDevice(credentials, payload, device(token), ctx, 'k')).toEqual({
      kind: 'accepted',
    });
  });

  it('dead when the sandbox answers 404 UNREGISTERED', async () => {
    const outcome = await sendToDevice(credentials, payload, device(`dead-${unique()}`), ctx, 'k');
    expect(outcome).toEqual({ kind: 'dead', reason: 'FCM 404 UNREGISTERED' });
  });

  it('retry when the sandbox answers 503 UNAVAILABLE', async () => {
    const outcome = await sendToDevice(credentials, payload, device(`fail-${unique()}`), ctx, 'k');
    expect(outcome).toEqual({ kind: 'retry', reason: 'FCM 503 UNAVAILABLE' });
  });

  it('bad-message when a data value is not a string', async () => {
    const bad: ProviderPayload = { provider: 'FCM', message: { data: { n: 3 } } };
    const outcome = await sendToDevice(credentials, bad, device(`live-${unique()}`), ctx, 'k');
    expect(outcome).toMatchObject({ kind: 'bad-message' });
  });

  it('credentials when the token endpoint refuses the service account key', async () => {
    const privateKeyPem = await otherPkcs8Pem({
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    });
    const stranger = { ...credentials, privateKeyId: unique(), privateKeyPem };
    const outcome = await sendToDevice(stranger, payload, device(`live-${unique()}`), ctx, 'k');
    expect(outcome).toEqual({
      kind: 'credentials',
      reason: 'Google token endpoint 400 invalid_grant',
    });
  });
});

describe('sendToDevice with WNS', () => {
  const classic = { provider: 'WNS' as const, flow: 'classic' as const, ...trust.wns };
  const entra = { provider: 'WNS' as const, flow: 'entra' as const, ...trust.wns };
  const payload: ProviderPayload = {
    provider: 'WNS',
    wnsType: 'wns/toast',
    body:
      '<toast><visual><binding template="ToastGeneric"><text>Hi</text></binding></visual>' +
      '</toast>',
  };
  const channel = (token: string) => `${url}/wns/?token=${token}`;

  it.each([
    ['classic', classic],
    ['entra', entra],
  ])('accepted when the channel is live (%s flow)', async (_flow, credentials) => {
    const outcome = await sendToDevice(credentials, payload, device(channel(unique())), ctx, 'k');
    expect(outcome).toEqual({ kind: 'accepted' });
  });

  it('dead when the sandbox answers 410 channel expired', async () => {
    const outcome = await sendToDevice(
      classic,
      payload,
      device(channel(`dead${unique()}`)),
      ctx,
      'k',
    );
    expect(outcome).toEqual({ kind: 'dead', reason: 'WNS 410' });
  });

  it('retry when the sandbox answers 503', async () => {
    const outcome = await sendToDevice(
      classic,
      payload,
      device(channel(`fail${unique()}`)),
      ctx,
      'k',
    );
    expect(outcome).toEqual({ kind: 'retry', reason: 'WNS 503' });
  });

  it('bad-message without a request when the channel URI is not allowed', async () => {
    const outcome = await sendToDevice(classic, payload, device('https://example.com/x'), ctx, 'k');
    expect(outcome).toMatchObject({ kind: 'bad-message' });
  });

  it('credentials when the token endpoint refuses the client secret', async () => {
    const stranger = { ...entra, clientId: crypto.randomUUID(), clientSecret: 'wrong' };
    const outcome = await sendToDevice(stranger, payload, device(channel(unique())), ctx, 'k');
    expect(outcome).toMatchObject({ kind: 'credentials' });
  });
});

describe('sendToDevice with Syniverse', () => {
  const credentials = {
    provider: 'SYNIVERSE' as const,
    appToken: trust.syniverse.appToken,
    from: `sender_id:${trust.syniverse.senderId}`,
  };
  const payload: ProviderPayload = { provider: 'SYNIVERSE', text: 'Hello' };

  it('accepted when the number is live, with the message key as external_id', async () => {
    const messageKey = crypto.randomUUID();
    expect(
      await sendToDevice(credentials, payload, device('+14085550100'), ctx, messageKey),
    ).toEqual({ kind: 'accepted' });
    const [record] = await sandboxRequests(messageKey, 'SYNIVERSE');
    expect(JSON.parse(record?.body ?? '{}')).toMatchObject({ to: ['+14085550100'] });
  });

  it('dead when the sandbox answers 400 SCG_ERROR_40024', async () => {
    const outcome = await sendToDevice(credentials, payload, device('+14085550199'), ctx, 'k');
    expect(outcome).toEqual({ kind: 'dead', reason: 'Syniverse 400 SCG_ERROR_40024' });
  });

  it('retry when the sandbox answers 503', async () => {
    const outcome = await sendToDevice(credentials, payload, device('+14085550198'), ctx, 'k');
    expect(outcome).toEqual({ kind: 'retry', reason: 'Syniverse 503 SCG_ERROR_5030' });
  });

  it('credentials when the application token is unknown', async () => {
    const stranger = { ...credentials, appToken: 'unknown' };
    const outcome = await sendToDevice(stranger, payload, device('+14085550100'), ctx, 'k');
    expect(outcome).toEqual({ kind: 'credentials', reason: 'Syniverse 401 SCG_ERROR_4010' });
  });
});

describe('sendToDevice', () => {
  it('bad-message when the payload is for another provider than the credentials', async () => {
    const credentials = {
      provider: 'APNS' as const,
      ...trust.apns,
      environment: 'development' as const,
    };
    const payload: ProviderPayload = { provider: 'SYNIVERSE', text: 'x' };
    const outcome = await sendToDevice(credentials, payload, device('ab'), ctx, 'k');
    expect(outcome).toMatchObject({ kind: 'bad-message' });
  });
});

describe('sendToDevice token refresh', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /**
   * A fetch whose requests to URLs containing `path` take the next of `answers` while any are
   * left; every other request reaches the sandbox. Records the authorization sent to `path`.
   */
  function scripted(path: string, answers: Array<() => Response>) {
    const authorizations: string[] = [];
    const fetcher: typeof fetch = (input, init) => {
      if (!String(input).includes(path)) return fetch(input, init);
      authorizations.push(new Headers(init?.headers).get('authorization') ?? '');
      const answer = answers.shift();
      return answer ? Promise.resolve(answer()) : fetch(input, init);
    };
    return { context: { ...ctx, fetch: fetcher }, authorizations };
  }
  const ok = () => new Response(null, { status: 200 });
  const expired = () => Response.json({ reason: 'ExpiredProviderToken' }, { status: 403 });
  const apns = (teamId: string) => ({
    provider: 'APNS' as const,
    ...trust.apns,
    teamId,
    environment: 'development' as const,
  });
  const alert: ProviderPayload = {
    provider: 'APNS',
    body: '{"aps":{}}',
    pushType: 'alert',
    priority: 10,
  };

  it('accepted after one new JWT when APNs finds a 21-minute-old JWT expired', async () => {
    const { context, authorizations } = scripted('/3/device/', [ok, expired, ok]);
    const credentials = apns('REFRESH001');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 21 * 60_000);
    await sendToDevice(credentials, alert, device('ab'), context, 'k');
    vi.useRealTimers();

    expect(await sendToDevice(credentials, alert, device('ab'), context, 'k')).toEqual({
      kind: 'accepted',
    });
    expect(authorizations).toHaveLength(3);
    expect(authorizations[1]).toBe(authorizations[0]);
    expect(authorizations[2]).not.toBe(authorizations[1]);
  });

  it('credentials without a new JWT when APNs finds a young JWT expired', async () => {
    const { context, authorizations } = scripted('/3/device/', [expired]);
    expect(await sendToDevice(apns('REFRESH002'), alert, device('ab'), context, 'k')).toEqual({
      kind: 'credentials',
      reason: 'APNs 403 ExpiredProviderToken',
    });
    expect(authorizations).toHaveLength(1);
  });

  it('accepted after one new access token when FCM answers 401 UNAUTHENTICATED', async () => {
    const unauthenticated = () =>
      Response.json(
        { error: { code: 401, message: 'x', status: 'UNAUTHENTICATED' } },
        { status: 401 },
      );
    const { context, authorizations } = scripted('/messages:send', [unauthenticated]);
    const credentials = { provider: 'FCM' as const, ...trust.fcm };
    const payload: ProviderPayload = { provider: 'FCM', message: { data: { a: 'b' } } };
    expect(await sendToDevice(credentials, payload, device(unique()), context, 'k')).toEqual({
      kind: 'accepted',
    });
    expect(authorizations).toHaveLength(2);
    expect(authorizations[1]).not.toBe(authorizations[0]);
  });

  it('accepted after one new access token when WNS answers 401', async () => {
    const { context, authorizations } = scripted('/wns/?token=', [
      () => new Response(null, { status: 401 }),
    ]);
    const credentials = { provider: 'WNS' as const, flow: 'classic' as const, ...trust.wns };
    const payload: ProviderPayload = {
      provider: 'WNS',
      wnsType: 'wns/badge',
      body: '<badge value="1"/>',
    };
    const channel = `${url}/wns/?token=${unique()}`;
    expect(await sendToDevice(credentials, payload, device(channel), context, 'k')).toEqual({
      kind: 'accepted',
    });
    expect(authorizations).toHaveLength(2);
    expect(authorizations[1]).not.toBe(authorizations[0]);
  });

  it('retry when the provider does not answer within timeoutMs', async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const credentials = { provider: 'SYNIVERSE' as const, appToken: 'a', from: 'channel:x' };
    const payload: ProviderPayload = { provider: 'SYNIVERSE', text: 'x' };
    const context = { ...ctx, fetch: hanging, timeoutMs: 50 };
    expect(await sendToDevice(credentials, payload, device('+14085550100'), context, 'k')).toEqual({
      kind: 'retry',
      reason: 'Syniverse timeout after 50 ms',
    });
  });
});
