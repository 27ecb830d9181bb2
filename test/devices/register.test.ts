/** POST /mobile/platform/devices/register and /deregister (api-contract.md, Device registry). */
import { env } from 'cloudflare:workers';
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { clients, devices } from '../../src/db/schema';
import {
  api,
  asAdmin,
  basic,
  type Call,
  DEVICES,
  type Demo,
  errorPaths,
  expectProblem,
  hexToken,
  NOTIFICATIONS,
  sandboxRequests,
  seed,
  waitForFinal,
} from '../helpers';

const REGISTER = `${DEVICES}/register`;
const DEREGISTER = `${DEVICES}/deregister`;
const APP = 'com.example.shop';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Platform = 'IOS' | 'ANDROID' | 'WINDOWS' | 'WEB';
type Registered = {
  id: string;
  user: string | null;
  notificationProvider: string;
  notificationToken: string;
  mobileClient: { id: string; version: string; platform: string };
  modifiedOn: string;
};

const client = (platform: Platform, version = '1.0') => ({ id: APP, version, platform });

function register(demo: Demo, body: unknown, call: Call = {}) {
  return asAdmin(demo, REGISTER, { body, ...call });
}

function asPat(demo: Demo, path: string, body: unknown) {
  return api(path, {
    auth: basic(demo.mobileUser.username, demo.mobileUser.password),
    backendId: demo.backendId,
    body,
  });
}

async function registered(res: Response): Promise<Registered> {
  expect(res.status).toBe(201);
  return (await res.json()) as Registered;
}

/** The device rows of `demo`'s backend stored under `token`. */
function storedDevices(demo: Demo, token: string) {
  return drizzle(env.DB)
    .select()
    .from(devices)
    .where(and(eq(devices.backendId, demo.backendId), eq(devices.token, token)));
}

const channelUri = () => `${env.SANDBOX_URL}/wns/?token=${hexToken('', 24)}`;

describe('device registration', () => {
  it('returns 201 with exactly the contract fields when a team member registers the example', async () => {
    const demo = await seed();
    const res = await register(demo, {
      mobileClient: { id: 'com.example.shop', version: '1.0', platform: 'IOS' },
      notificationProvider: 'APNS',
      notificationToken: '03767dea-29ac-4440-b4f6-75a755845ade',
      user: 'pat',
    });

    const body = await registered(res);
    expect(Object.keys(body).sort()).toEqual([
      'id',
      'mobileClient',
      'modifiedOn',
      'notificationProvider',
      'notificationToken',
      'user',
    ]);
    expect(body).toEqual({
      id: expect.stringMatching(UUID),
      user: 'pat',
      notificationProvider: 'APNS',
      notificationToken: '03767dea-29ac-4440-b4f6-75a755845ade',
      mobileClient: { id: 'com.example.shop', version: '1.0', platform: 'IOS' },
      modifiedOn: expect.stringMatching(TIMESTAMP),
    });
    expect(Math.abs(Date.parse(body.modifiedOn) - Date.now())).toBeLessThan(60_000);
    expect(res.headers.get('X-ORACLE-DMS-ECID')).toMatch(/\S/);
  });

  it('keeps the id, advances modifiedOn and moves the device when the token is registered again', async () => {
    const demo = await seed();
    const token = hexToken('ae');
    const first = await registered(
      await register(demo, { mobileClient: client('IOS'), notificationToken: token, user: 'pat' }),
    );

    // A second version lets the re-registration move the device to it too.
    await drizzle(env.DB)
      .update(clients)
      .set({ versions: JSON.stringify(['1.0', '2.0']) })
      .where(and(eq(clients.backendId, demo.backendId), eq(clients.platform, 'IOS')));
    const second = await registered(
      await register(demo, {
        mobileClient: client('IOS', '2.0'),
        notificationToken: token,
        user: 'lee',
      }),
    );

    expect(second.id).toBe(first.id);
    expect(second.user).toBe('lee');
    expect(second.mobileClient.version).toBe('2.0');
    expect(Date.parse(second.modifiedOn)).toBeGreaterThan(Date.parse(first.modifiedOn));
    const rows = await storedDevices(demo, token);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first.id, user: 'lee', appVersion: '2.0' });
  });

  it('stores one device and sends once when an APNs token comes in upper and lower case', async () => {
    const demo = await seed();
    const token = hexToken('ca5e');
    const user = `case-${crypto.randomUUID()}`;
    const upper = await registered(
      await register(demo, {
        mobileClient: client('IOS'),
        notificationToken: token.toUpperCase(),
        user,
      }),
    );
    const lower = await registered(
      await register(demo, { mobileClient: client('IOS'), notificationToken: token, user }),
    );

    expect(upper.notificationToken).toBe(token);
    expect(lower.id).toBe(upper.id);
    expect(await storedDevices(demo, token)).toHaveLength(1);
    expect(await storedDevices(demo, token.toUpperCase())).toHaveLength(0);

    const post = await asAdmin(demo, NOTIFICATIONS, { body: { message: 'Once', users: [user] } });
    expect(post.status).toBe(201);
    const { id } = (await post.json()) as { id: number };
    const final = await waitForFinal(demo, id);
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 1, successCount: 1 });
    expect(await sandboxRequests(token.toLowerCase(), 'APNS')).toHaveLength(1);
  });

  it.each<[Platform, string]>([
    ['IOS', 'APNS'],
    ['ANDROID', 'FCM'],
    ['WINDOWS', 'WNS'],
    ['WEB', 'FCM'],
  ])(
    'stores the default provider when %s registers without one (%s)',
    async (platform, provider) => {
      const demo = await seed();
      const token = platform === 'WINDOWS' ? channelUri() : hexToken('def');
      const body = await registered(
        await register(demo, { mobileClient: client(platform), notificationToken: token }),
      );
      expect(body.notificationProvider).toBe(provider);
      const rows = await storedDevices(demo, token);
      expect(rows.map((r) => [r.provider, r.platform])).toEqual([[provider, platform]]);
    },
  );

  it('stores FCM when an Android device registers with GCM', async () => {
    const demo = await seed();
    const token = `gcm:${hexToken('', 40)}`;
    const body = await registered(
      await register(demo, {
        mobileClient: client('ANDROID'),
        notificationProvider: 'GCM',
        notificationToken: token,
      }),
    );
    expect(body.notificationProvider).toBe('FCM');
    expect((await storedDevices(demo, token)).map((r) => r.provider)).toEqual(['FCM']);
  });

  it('accepts APNS when a WEB client registers with it', async () => {
    const demo = await seed();
    const token = hexToken('eb');
    const body = await registered(
      await register(demo, {
        mobileClient: client('WEB'),
        notificationProvider: 'APNS',
        notificationToken: token,
      }),
    );
    expect(body).toMatchObject({ notificationProvider: 'APNS', mobileClient: { platform: 'WEB' } });
  });

  it.each<[string, Platform, string]>([
    ['APNS', 'ANDROID', hexToken('bad')],
    ['WNS', 'IOS', 'https://db5.notify.windows.com/?token=x'],
    ['FCM', 'WINDOWS', 'fcm-token'],
  ])(
    'returns 400 naming the provider when %s is paired with %s',
    async (provider, platform, token) => {
      const demo = await seed();
      const res = await register(demo, {
        mobileClient: client(platform),
        notificationProvider: provider,
        notificationToken: token,
      });
      const body = await expectProblem(res, 400, REGISTER);
      expect(errorPaths(body)).toEqual(['$.notificationProvider']);
      expect(await storedDevices(demo, token)).toHaveLength(0);
    },
  );

  it('returns 400 naming $.mobileClient.id when the client id is unknown', async () => {
    const demo = await seed();
    const res = await register(demo, {
      mobileClient: { id: 'com.example.unknown', version: '1.0', platform: 'IOS' },
      notificationToken: hexToken(),
    });
    const body = await expectProblem(res, 400, REGISTER);
    expect(errorPaths(body)).toEqual(['$.mobileClient.id']);
    expect(body.detail).toContain('com.example.unknown');
  });

  it('returns 400 naming $.mobileClient.id when the client belongs to another backend', async () => {
    const demo = await seed();
    await seed({
      backendId: 'b-3',
      backendName: 'third',
      admin: { username: 'admin3', password: 'pw3-long-enough' },
      mobileUser: { username: 'sam', password: 'sam-password' },
      oauth: { clientId: 'c3', clientSecret: 's3' },
      appId: 'com.example.second',
    });
    const res = await register(demo, {
      mobileClient: { id: 'com.example.second', version: '1.0', platform: 'IOS' },
      notificationToken: hexToken(),
    });
    expect(errorPaths(await expectProblem(res, 400, REGISTER))).toEqual(['$.mobileClient.id']);
  });

  it('returns 400 naming $.mobileClient.version when the version is not registered', async () => {
    const demo = await seed();
    const token = hexToken('ee0');
    const res = await register(demo, {
      mobileClient: client('IOS', '9.9'),
      notificationToken: token,
    });
    const body = await expectProblem(res, 400, REGISTER);
    expect(errorPaths(body)).toEqual(['$.mobileClient.version']);
    expect(await storedDevices(demo, token)).toHaveLength(0);
  });

  it('returns 403 when a mobile user registers a device for another user', async () => {
    const demo = await seed();
    const token = hexToken('0de');
    const res = await asPat(demo, REGISTER, {
      mobileClient: client('IOS'),
      notificationToken: token,
      user: 'lee',
    });
    await expectProblem(res, 403, REGISTER);
    expect(await storedDevices(demo, token)).toHaveLength(0);
  });

  it('returns 201 when a mobile user registers a device under its own name', async () => {
    const demo = await seed();
    const res = await asPat(demo, REGISTER, {
      mobileClient: client('IOS'),
      notificationToken: hexToken('c0de'),
      user: 'pat',
    });
    expect((await registered(res)).user).toBe('pat');
  });

  it('gives the device to the mobile user when no user is named', async () => {
    const demo = await seed();
    const token = hexToken('a11');
    const res = await asPat(demo, REGISTER, {
      mobileClient: client('IOS'),
      notificationToken: token,
    });
    expect((await registered(res)).user).toBe('pat');
    expect((await storedDevices(demo, token)).map((r) => r.user)).toEqual(['pat']);
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['blank', '   '],
    ['over 4096 bytes', 'a'.repeat(4097)],
    ['over 4096 bytes in UTF-8 though 2049 characters', 'é'.repeat(2049)],
    ['holding a control character', 'abc\u0001def'],
    ['holding a line break inside', 'abc\ndef'],
  ])('returns 400 naming $.notificationToken when the token is %s', async (_, token) => {
    const demo = await seed();
    const res = await register(demo, { mobileClient: client('ANDROID'), notificationToken: token });
    expect(errorPaths(await expectProblem(res, 400, REGISTER))).toEqual(['$.notificationToken']);
  });

  it('accepts a token of exactly 4096 bytes when the limit is reached but not passed', async () => {
    const demo = await seed();
    const token = hexToken('', 4096);
    const body = await registered(
      await register(demo, { mobileClient: client('IOS'), notificationToken: token }),
    );
    expect(body.notificationToken).toBe(token);
  });

  it('stores a trimmed token when the token has surrounding white space', async () => {
    const demo = await seed();
    const token = hexToken('trim', 40);
    const body = await registered(
      await register(demo, { mobileClient: client('ANDROID'), notificationToken: ` ${token}\n` }),
    );
    expect(body.notificationToken).toBe(token);
    expect(await storedDevices(demo, token)).toHaveLength(1);
  });

  it('stores E.164 when a SYNIVERSE phone number is formatted', async () => {
    const demo = await seed();
    const body = await registered(
      await register(demo, {
        mobileClient: client('IOS'),
        notificationProvider: 'SYNIVERSE',
        notificationToken: '+1 (415) 555-0123',
      }),
    );
    expect(body).toMatchObject({
      notificationProvider: 'SYNIVERSE',
      notificationToken: '+14155550123',
    });
    expect(await storedDevices(demo, '+14155550123')).toHaveLength(1);
  });

  it('returns 400 naming $.notificationToken when a SYNIVERSE token is not a phone number', async () => {
    const demo = await seed();
    const res = await register(demo, {
      mobileClient: client('ANDROID'),
      notificationProvider: 'SYNIVERSE',
      notificationToken: 'call me maybe',
    });
    expect(errorPaths(await expectProblem(res, 400, REGISTER))).toEqual(['$.notificationToken']);
  });

  it('accepts a WNS channel URI when it is on the sandbox or on *.notify.windows.com', async () => {
    const demo = await seed();
    for (const token of [channelUri(), `https://db5.notify.windows.com/?token=${hexToken()}`]) {
      const body = await registered(
        await register(demo, { mobileClient: client('WINDOWS'), notificationToken: token }),
      );
      expect(body).toMatchObject({ notificationProvider: 'WNS', notificationToken: token });
    }
  });

  it.each([
    'https://notify.windows.com.evil.test/?token=x',
    'https://169.254.169.254/x',
    'http://db5.notify.windows.com/?token=x',
    'https://db5.notify.windows.com:8443/?token=x',
    'https://user:pw@db5.notify.windows.com/?token=x',
    'not a url',
  ])('returns 400 naming $.notificationToken when the WNS channel URI is %s', async (token) => {
    const demo = await seed();
    const res = await register(demo, { mobileClient: client('WINDOWS'), notificationToken: token });
    expect(errorPaths(await expectProblem(res, 400, REGISTER))).toEqual(['$.notificationToken']);
  });

  it('returns 400 when the body is not valid JSON', async () => {
    const demo = await seed();
    const res = await register(demo, '{"notificationToken": "abc",');
    expect((await expectProblem(res, 400, REGISTER))['o:errorCode']).toBe('INVALID_JSON');
  });

  it.each(['null', '[]', '"device"', ''])('returns 400 when the body is %j', async (text) => {
    const demo = await seed();
    const res = await register(demo, text, { headers: { 'Content-Type': 'application/json' } });
    await expectProblem(res, 400, REGISTER);
  });

  it('returns 413 when the body is over 256 KiB', async () => {
    const demo = await seed();
    const res = await register(demo, {
      mobileClient: client('ANDROID'),
      notificationToken: hexToken(),
      user: 'x'.repeat(256 * 1024),
    });
    await expectProblem(res, 413, REGISTER);
  });

  it('lists every bad field when several fields are invalid', async () => {
    const demo = await seed();
    const res = await register(demo, {
      notificationProvider: 'MPNS',
      mobileClient: { id: '', platform: 'PHONE' },
      user: '',
    });
    const body = await expectProblem(res, 400, REGISTER);
    expect(errorPaths(body)).toEqual([
      '$.mobileClient.id',
      '$.mobileClient.platform',
      '$.mobileClient.version',
      '$.notificationProvider',
      '$.notificationToken',
      '$.user',
    ]);
  });

  it('lists both fields when the token is empty and the client version unknown', async () => {
    const demo = await seed();
    const res = await register(demo, {
      mobileClient: client('ANDROID', '9.9'),
      notificationToken: '',
    });
    const body = await expectProblem(res, 400, REGISTER);
    expect(errorPaths(body)).toEqual(['$.mobileClient.version', '$.notificationToken']);
  });

  it('lists provider, token and client when all three are wrong at once', async () => {
    const demo = await seed();
    const res = await register(demo, {
      mobileClient: { id: 'com.example.unknown', version: '1.0', platform: 'ANDROID' },
      notificationProvider: 'APNS',
      notificationToken: 'ab\u0000cd',
    });
    const body = await expectProblem(res, 400, REGISTER);
    expect(errorPaths(body)).toEqual([
      '$.mobileClient.id',
      '$.notificationProvider',
      '$.notificationToken',
    ]);
  });
});

describe('device deregistration', () => {
  it('returns deregistered true then false and removes the row when the same token is sent twice', async () => {
    const demo = await seed();
    const token = hexToken('b0b');
    await registered(
      await register(demo, { mobileClient: client('IOS'), notificationToken: token }),
    );
    expect(await storedDevices(demo, token)).toHaveLength(1);

    const body = { mobileClient: { id: APP, platform: 'IOS' }, notificationToken: token };
    const first = await asAdmin(demo, DEREGISTER, { body });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ deregistered: true });
    expect(await storedDevices(demo, token)).toHaveLength(0);

    const second = await asAdmin(demo, DEREGISTER, { body });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ deregistered: false });
  });

  it('removes the device when a mobile user sends the APNs token in another case', async () => {
    const demo = await seed();
    const token = hexToken('b1e');
    await registered(
      await asPat(demo, REGISTER, { mobileClient: client('IOS'), notificationToken: token }),
    );
    const res = await asPat(demo, DEREGISTER, {
      mobileClient: { id: APP, platform: 'IOS' },
      notificationProvider: 'APNS',
      notificationToken: ` ${token.toUpperCase()} `,
    });
    expect(await res.json()).toEqual({ deregistered: true });
    expect(await storedDevices(demo, token)).toHaveLength(0);
  });

  it('returns deregistered false when the token was never registered', async () => {
    const demo = await seed();
    const res = await asAdmin(demo, DEREGISTER, {
      body: { mobileClient: { id: APP, platform: 'ANDROID' }, notificationToken: hexToken('deed') },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deregistered: false });
  });

  it('returns 400 naming $.mobileClient.id and keeps the device when the client id is unknown', async () => {
    const demo = await seed();
    const token = hexToken('bee');
    await registered(
      await register(demo, { mobileClient: client('IOS'), notificationToken: token }),
    );
    const res = await asAdmin(demo, DEREGISTER, {
      body: {
        mobileClient: { id: 'com.example.unknown', platform: 'IOS' },
        notificationToken: token,
      },
    });
    expect(errorPaths(await expectProblem(res, 400, DEREGISTER))).toEqual(['$.mobileClient.id']);
    expect(await storedDevices(demo, token)).toHaveLength(1);
  });

  it('returns 400 listing the fields when the body is invalid', async () => {
    const demo = await seed();
    const res = await asAdmin(demo, DEREGISTER, { body: { mobileClient: { platform: 'PHONE' } } });
    const body = await expectProblem(res, 400, DEREGISTER);
    expect(errorPaths(body)).toEqual([
      '$.mobileClient.id',
      '$.mobileClient.platform',
      '$.notificationToken',
    ]);
  });

  it('lists provider and client when both are wrong at once', async () => {
    const demo = await seed();
    const res = await asAdmin(demo, DEREGISTER, {
      body: {
        mobileClient: { id: 'com.example.unknown', platform: 'IOS' },
        notificationProvider: 'WNS',
        notificationToken: hexToken(),
      },
    });
    const body = await expectProblem(res, 400, DEREGISTER);
    expect(errorPaths(body)).toEqual(['$.mobileClient.id', '$.notificationProvider']);
  });

  it('leaves the other backend’s device when the same token is deregistered in one backend', async () => {
    const demo = await seed();
    const second = await seed({
      backendId: 'b-2',
      backendName: 'second',
      admin: { username: 'admin2', password: 'pw2-long-enough' },
      mobileUser: { username: 'sam', password: 'sam-password' },
      oauth: { clientId: 'c2', clientSecret: 's2' },
    });
    const token = hexToken('ba5e');
    for (const backend of [demo, second]) {
      await registered(
        await register(backend, { mobileClient: client('IOS'), notificationToken: token }),
      );
    }
    const res = await asAdmin(demo, DEREGISTER, {
      body: { mobileClient: { id: APP, platform: 'IOS' }, notificationToken: token },
    });
    expect(await res.json()).toEqual({ deregistered: true });
    expect(await storedDevices(demo, token)).toHaveLength(0);
    expect(await storedDevices(second, token)).toHaveLength(1);
  });
});
