/** The sandbox providers (sandbox/) speak each provider's wire format and record every request. */
import { env } from 'cloudflare:workers';
import { base64url, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { freshApnsKey, programAnswers } from './helpers';

const sandbox = env.SANDBOX_URL;
const trust = env.SANDBOX_CREDENTIALS;
const now = () => Math.floor(Date.now() / 1000);
const unique = () => crypto.randomUUID().replaceAll('-', '');

type SandboxRecord = {
  provider: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  receivedAt: string;
};

async function records(query: Record<string, string>): Promise<SandboxRecord[]> {
  const res = await fetch(`${sandbox}/__sandbox/requests?${new URLSearchParams(query)}`);
  expect(res.status).toBe(200);
  return res.json();
}

/** DER (ASN.1 SEQUENCE of two INTEGERs) form of a raw r||s ECDSA signature. */
function p1363ToDer(signature: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = [...bytes.slice(start)];
    const value = (trimmed[0] ?? 0) & 0x80 ? [0, ...trimmed] : trimmed;
    return [0x02, value.length, ...value];
  };
  const body = [...integer(signature.slice(0, 32)), ...integer(signature.slice(32))];
  return Uint8Array.from([0x30, body.length, ...body]);
}

describe('APNs', () => {
  // A key of this file's own: the sandbox refuses a key's token changing within 20 minutes.
  const keyPromise = freshApnsKey();
  let reused: Promise<string> | undefined;

  async function mint(opts: { key?: CryptoKey; iat?: number; kid?: string } = {}) {
    const key = await keyPromise;
    return new SignJWT({ iss: key.teamId, iat: opts.iat ?? now() })
      .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? key.keyId })
      .sign(opts.key ?? (await importPKCS8(key.privateKeyPem, 'ES256')));
  }

  /** The file's one provider token, or a special one for the checks that refuse it. */
  function providerToken(opts: { key?: CryptoKey; iat?: number } = {}): Promise<string> {
    if (opts.key || opts.iat) return mint(opts);
    reused ??= mint();
    return reused;
  }

  function push(
    token: string,
    jwt: string,
    opts: { headers?: Record<string, string>; body?: string; env?: string } = {},
  ): Promise<Response> {
    return fetch(`${sandbox}/apns/${opts.env ?? 'development'}/3/device/${token}`, {
      method: 'POST',
      headers: {
        authorization: `bearer ${jwt}`,
        'apns-topic': 'com.example.shop',
        'apns-push-type': 'alert',
        'apns-priority': '10',
        ...opts.headers,
      },
      body: opts.body ?? JSON.stringify({ aps: { alert: { title: 'Hi', body: 'there' } } }),
    });
  }

  async function reason(res: Response): Promise<unknown> {
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('apns-id')).toMatch(/^[0-9a-f-]{36}$/);
    return ((await res.json()) as { reason: unknown }).reason;
  }

  it('accepts a correctly signed push and records it', async () => {
    const token = unique() + unique();
    const apnsId = crypto.randomUUID();
    const res = await push(token, await providerToken(), { headers: { 'apns-id': apnsId } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(res.headers.get('apns-id')).toBe(apnsId);
    expect(res.headers.get('apns-unique-id')).toMatch(/^[0-9a-f-]{36}$/);

    const production = await push(token, await providerToken(), { env: 'production' });
    expect(production.status).toBe(200);
    expect(production.headers.get('apns-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(production.headers.has('apns-unique-id')).toBe(false);

    const [first, second, ...rest] = await records({ provider: 'APNS', contains: token });
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      provider: 'APNS',
      method: 'POST',
      path: `/apns/development/3/device/${token}`,
      status: 200,
    });
    expect(first?.headers['apns-id']).toBe(apnsId);
    expect(first?.body).toContain('"aps"');
    expect(Number.isNaN(Date.parse(first?.receivedAt ?? ''))).toBe(false);
    expect(second?.path).toBe(`/apns/production/3/device/${token}`);
  });

  it('rejects a JWT signed with another key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const res = await push(unique(), await providerToken({ key: privateKey }));
    expect(res.status).toBe(403);
    expect(await reason(res)).toBe('InvalidProviderToken');
  });

  it('rejects a DER-encoded ES256 signature', async () => {
    const [header, claims, signature] = (await providerToken()).split('.') as [string, ...string[]];
    const der = p1363ToDer(base64url.decode(signature ?? ''));
    // A DER SEQUENCE of two INTEGERs (68-72 bytes, as r and s are trimmed or padded), never
    // the 64 raw bytes APNs expects.
    expect([der[0], der[2]]).toEqual([0x30, 0x02]);
    expect(der.length).not.toBe(64);
    const res = await push(unique(), `${header}.${claims}.${base64url.encode(der)}`);
    expect(res.status).toBe(403);
    expect(await reason(res)).toBe('InvalidProviderToken');
  });

  it('answers ExpiredProviderToken for an iat older than an hour', async () => {
    const res = await push(unique(), await providerToken({ iat: now() - 3601 }));
    expect(res.status).toBe(403);
    expect(await reason(res)).toBe('ExpiredProviderToken');
  });

  it('answers MissingTopic without apns-topic', async () => {
    const jwt = await providerToken();
    const res = await fetch(`${sandbox}/apns/development/3/device/${unique()}`, {
      method: 'POST',
      headers: { authorization: `bearer ${jwt}` },
      body: JSON.stringify({ aps: { alert: 'x' } }),
    });
    expect(res.status).toBe(400);
    expect(await reason(res)).toBe('MissingTopic');
  });

  it('counts the 4096-byte limit in UTF-8 bytes', async () => {
    const bytes = (text: string) => new TextEncoder().encode(text).length;
    const bodyOf = (euros: number, padding = '') =>
      JSON.stringify({ aps: { alert: { title: 'Price', body: '€'.repeat(euros) } }, p: padding });
    const tooLarge = JSON.stringify({ aps: { alert: { title: 'Price', body: '€'.repeat(1352) } } });
    expect(tooLarge.length).toBeLessThan(4096);
    expect(bytes(tooLarge)).toBeGreaterThan(4096);
    const res = await push(unique(), await providerToken(), { body: tooLarge });
    expect(res.status).toBe(413);
    expect(await reason(res)).toBe('PayloadTooLarge');

    const fits = bodyOf(1340, 'x'.repeat(4096 - bytes(bodyOf(1340))));
    expect(bytes(fits)).toBe(4096);
    expect((await push(unique(), await providerToken(), { body: fits })).status).toBe(200);
  });

  it('answers 410 Unregistered with a millisecond timestamp for dead… tokens', async () => {
    const token = `dead${unique()}`;
    const before = Date.now();
    const res = await push(token, await providerToken());
    expect(res.status).toBe(410);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { reason: string; timestamp: number };
    expect(body.reason).toBe('Unregistered');
    expect(body.timestamp).toBeGreaterThanOrEqual(before - 60_000);
    expect(body.timestamp).toBeLessThan(Date.now() + 60_000);

    const { privateKey } = await generateKeyPair('ES256');
    const forged = await push(token, await providerToken({ key: privateKey }));
    expect(forged.status).toBe(403);
  });

  it('answers 503 ServiceUnavailable for fa11… tokens', async () => {
    const res = await push(`fa11${unique()}`, await providerToken());
    expect(res.status).toBe(503);
    expect(await reason(res)).toBe('ServiceUnavailable');
  });

  it('answers TooManyProviderTokenUpdates when a key changes token within 20 minutes', async () => {
    const key = await freshApnsKey();
    const signing = await importPKCS8(key.privateKeyPem, 'ES256');
    const jwt = (iat: number) =>
      new SignJWT({ iss: key.teamId, iat })
        .setProtectedHeader({ alg: 'ES256', kid: key.keyId })
        .sign(signing);
    const first = await jwt(now() - 25 * 60);
    expect((await push(unique(), first)).status).toBe(200);
    expect((await push(unique(), first)).status).toBe(200);
    const refreshed = await jwt(now());
    expect((await push(unique(), refreshed)).status).toBe(200);
    const tooSoon = await jwt(now() - 1);
    const res = await push(unique(), tooSoon);
    expect(res.status).toBe(429);
    expect(await reason(res)).toBe('TooManyProviderTokenUpdates');
  });

  it('answers programmed answers in order, after the auth checks, then normally', async () => {
    const token = unique();
    await programAnswers('APNS', token, [
      { status: 429, body: { reason: 'TooManyRequests' } },
      { status: 500, body: { reason: 'InternalServerError' } },
    ]);
    const forged = await push(token, await mint({ kid: 'NOSUCHKEY0' }));
    expect(forged.status).toBe(403);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await push(token, await providerToken())).status);
    expect(statuses).toEqual([429, 500, 200]);
  });
});

describe('Google OAuth and FCM', () => {
  const fcmKey = importPKCS8(trust.fcm.privateKeyPem, 'RS256');
  let accessToken: Promise<string> | undefined;

  async function assertion(): Promise<string> {
    const iat = now();
    return new SignJWT({ scope: 'https://www.googleapis.com/auth/firebase.messaging' })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: trust.fcm.privateKeyId })
      .setIssuer(trust.fcm.clientEmail)
      .setAudience(`${sandbox}/google/token`)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(await fcmKey);
  }

  const exchange = (jwt: string) =>
    fetch(`${sandbox}/google/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: jwt,
      }),
    });

  function token(): Promise<string> {
    accessToken ??= assertion()
      .then(exchange)
      .then(async (res) => {
        expect(res.status).toBe(200);
        const body = (await res.json()) as Record<string, unknown>;
        expect(body).toMatchObject({ expires_in: 3599, token_type: 'Bearer' });
        expect(body.access_token).toMatch(/^ya29\./);
        return body.access_token as string;
      });
    return accessToken;
  }

  const send = async (message: Record<string, unknown>, bearer?: string) =>
    fetch(`${sandbox}/fcm/v1/projects/${trust.fcm.projectId}/messages:send`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${bearer ?? (await token())}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ message }),
    });

  type GoogleError = { error: { code: number; message: string; status: string; details?: [] } };

  it('exchanges a signed assertion and accepts a send', async () => {
    const res = await send({ token: `${unique()}:APA91b`, data: { orderId: '42' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { name: string };
    expect(body.name).toMatch(/^projects\/demo-project\/messages\/0:\d+%[0-9a-f]+$/);
  });

  it('refuses an assertion signed with another key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const iat = now();
    const forged = await new SignJWT({
      scope: 'https://www.googleapis.com/auth/firebase.messaging',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(trust.fcm.clientEmail)
      .setAudience('https://oauth2.googleapis.com/token')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(privateKey);
    const res = await exchange(forged);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid JWT Signature.',
    });
  });

  it('answers 400 with a BadRequest field violation for non-string data', async () => {
    const res = await send({ token: unique(), data: { count: 3 } });
    expect(res.status).toBe(400);
    const description = "Invalid value at 'message.data[0].value' (TYPE_STRING), 3";
    expect(await res.json()).toEqual({
      error: {
        code: 400,
        message: description,
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.BadRequest',
            fieldViolations: [{ field: 'message.data[0].value', description }],
          },
        ],
      },
    });
  });

  it('answers 404 UNREGISTERED for dead- tokens', async () => {
    const res = await send({ token: `dead-${unique()}`, notification: { title: 'x' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        code: 404,
        message: 'Requested entity was not found.',
        status: 'NOT_FOUND',
        details: [
          {
            '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
            errorCode: 'UNREGISTERED',
          },
        ],
      },
    });
  });

  it('answers 401 UNAUTHENTICATED for an unknown access token', async () => {
    const res = await send({ token: unique() }, 'ya29.not-issued-here');
    expect(res.status).toBe(401);
    const body = (await res.json()) as GoogleError;
    expect(body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect(body.error.message).toMatch(/^Request had invalid authentication credentials/);
  });
});

describe('WNS', () => {
  const toast =
    '<toast launch="app://x?a=1&amp;b=2"><visual><binding template="ToastGeneric">' +
    '<text>Title</text><text>Body</text></binding></visual></toast>';

  async function classicToken(): Promise<string> {
    const res = await fetch(`${sandbox}/wns/accesstoken.srf`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: trust.wns.packageSid,
        client_secret: trust.wns.clientSecret,
        scope: 'notify.windows.com',
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 86400 });
    return body.access_token as string;
  }

  function entra(secret: string): Promise<Response> {
    return fetch(`${sandbox}/entra/${trust.wns.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: trust.wns.clientId,
        client_secret: secret,
        scope: 'https://wns.windows.com/.default',
      }),
    });
  }

  function send(
    channel: string,
    accessToken: string,
    opts: { type?: string; contentType?: string; body?: BodyInit } = {},
  ): Promise<Response> {
    return fetch(`${sandbox}/wns/?token=${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'x-wns-type': opts.type ?? 'wns/toast',
        'content-type': opts.contentType ?? 'text/xml',
      },
      body: opts.body ?? toast,
    });
  }

  async function expectReceived(res: Response): Promise<void> {
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(res.headers.get('x-wns-status')).toBe('received');
    expect(res.headers.get('x-wns-msg-id')?.length).toBeLessThanOrEqual(16);
    expect(res.headers.get('ms-cv')).toBeTruthy();
  }

  it('issues a login.live.com token that sends a toast, a badge and raw bytes', async () => {
    const accessToken = await classicToken();
    await expectReceived(await send(unique(), accessToken));
    const badge = { type: 'wns/badge', body: '<?xml version="1.0"?><badge value="5"/>' };
    await expectReceived(await send(unique(), accessToken, badge));
    const raw = { type: 'wns/raw', contentType: 'application/octet-stream', body: '{"n":1}' };
    await expectReceived(await send(unique(), accessToken, raw));
  });

  it('issues an Entra token that sends a toast, and refuses a wrong secret', async () => {
    const res = await entra(trust.wns.clientSecret);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    await expectReceived(await send(unique(), body.access_token as string));

    const wrong = await entra('not-the-secret');
    expect(wrong.status).toBe(401);
    const error = (await wrong.json()) as { error: string; error_description: string };
    expect(error.error).toBe('invalid_client');
    expect(error.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\./);
  });

  it('rejects a chunked body and a type that does not match the content type', async () => {
    const accessToken = await classicToken();
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(toast));
        controller.close();
      },
    });
    const channel = unique();
    const res = await send(channel, accessToken, { body: chunked });
    expect(res.status).toBe(400);
    const [recorded] = await records({ provider: 'WNS', contains: channel });
    expect(recorded?.headers['transfer-encoding']).toBe('chunked');

    const raw = await send(unique(), accessToken, { type: 'wns/raw' });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-wns-error-description')).toBeTruthy();
    const badge = await send(unique(), accessToken, { type: 'wns/badge' });
    expect(badge.status).toBe(400);
  });

  it('answers 410 for dead channels and 401 for an unknown token', async () => {
    const accessToken = await classicToken();
    const res = await send(`dead${unique()}`, accessToken);
    expect(res.status).toBe(410);
    expect(await res.text()).toBe('');
    expect(res.headers.get('x-wns-error-description')).toBeTruthy();
    expect((await send(unique(), 'not-issued')).status).toBe(401);
  });
});

describe('Syniverse SCG', () => {
  const send = (request: Record<string, unknown>, appToken = trust.syniverse.appToken) =>
    fetch(`${sandbox}/syniverse/scg-external-api/api/v1/messaging/message_requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${appToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: `sender_id:${trust.syniverse.senderId}`, ...request }),
    });

  it('accepts a message request and answers a 22-character id', async () => {
    const res = await send({ to: ['+14085550100'], body: 'Hello', external_id: unique() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string };
    expect(body.id).toMatch(/^[A-Za-z0-9]{22}$/);
  });

  it('rejects `to` that is not an array, and an unknown app token', async () => {
    const res = await send({ to: '+14085550100', body: 'Hello' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error_code: string };
    expect(body.error_code).toMatch(/^SCG_ERROR_400\d$/);

    const unauthorized = await send({ to: ['+14085550100'], body: 'Hello' }, 'nope');
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ error_code: 'SCG_ERROR_4010' });
  });

  it('answers SCG_ERROR_40024 for numbers ending in 0199', async () => {
    const res = await send({ to: ['+14085550199'], body: 'Hello' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: 'SCG_ERROR_40024' });
  });
});

describe('recording', () => {
  it('filters by provider and by a substring of path or body', async () => {
    const marker = unique();
    const channel = await fetch(`${sandbox}/wns/?token=${marker}`, { method: 'POST', body: '' });
    expect(channel.status).toBe(401);
    const sms = await fetch(
      `${sandbox}/syniverse/scg-external-api/api/v1/messaging/message_requests`,
      { method: 'POST', body: JSON.stringify({ external_id: marker }) },
    );
    expect(sms.status).toBe(401);
    const google = await fetch(`${sandbox}/google/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', marker }),
    });
    expect(google.status).toBe(400);

    const all = await records({ contains: marker });
    expect(all.map((record) => [record.provider, record.status])).toEqual([
      ['WNS', 401],
      ['SYNIVERSE', 401],
      ['FCM', 400],
    ]);
    expect(all[1]?.body).toBe(JSON.stringify({ external_id: marker }));
    expect(all[0]?.path).toBe(`/wns/?token=${marker}`);

    const wns = await records({ contains: marker, provider: 'WNS' });
    expect(wns.map((record) => record.path)).toEqual([`/wns/?token=${marker}`]);
    expect(await records({ contains: unique() })).toEqual([]);
  });

  it('answers unknown routes with 404 JSON', async () => {
    const res = await fetch(`${sandbox}/nowhere/${unique()}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
  });
});
