/** /admin/v1/backends/{id}/devices: list, delete one and clear a backend's device registry. */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { prefixUpperBound } from '../../src/admin/devices-query';
import { asAdmin, DEVICES, type Demo, errorPaths, expectProblem, ORIGIN, seed } from '../helpers';
import {
  ADMIN,
  addMember,
  admin,
  adminAuth,
  asAdministrator,
  json,
  resetDatabase,
  seedSecond,
} from './fixtures';

beforeEach(resetDatabase);

const DEMO = '7d0c5c36-3a2b-4c8e-9d7e-5e1f0a6b9c01';
const LIST = `/backends/${DEMO}/devices`;
const CLEAR = `${LIST}/clear`;

type Device = {
  id: string;
  user: string | null;
  notificationProvider: string;
  notificationToken: string;
  mobileClient: { id: string; version: string; platform: string };
  clientId: string;
  createdOn: string;
  modifiedOn: string;
};
type DevicePage = {
  items: Device[];
  hasMore: boolean;
  limit: number;
  offset: number;
  count: number;
  links: { rel: string; href: string }[];
};

type Registration = { platform: string; token: string; provider?: string; user?: string };

/** Registers a device through the public API; returns its id. */
async function register(demo: Demo, device: Registration): Promise<string> {
  const res = await asAdmin(demo, `${DEVICES}/register`, {
    body: {
      mobileClient: { id: 'com.example.shop', version: '1.0', platform: device.platform },
      notificationToken: device.token,
      ...(device.provider ? { notificationProvider: device.provider } : {}),
      ...(device.user ? { user: device.user } : {}),
    },
  });
  return (await json<{ id: string }>(res, 201)).id;
}

/** Inserts `n` FCM devices `<prefix>-1` … `<prefix>-n` of `backendId` in one statement. */
async function addDevices(backendId: string, prefix: string, n: number) {
  await env.DB.prepare(
    `INSERT INTO devices (id, backend_id, client_id, provider, token, platform, user, app_version,
       created_on, modified_on)
     WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1)
     SELECT ?2 || '-' || i, ?3, ?4, 'FCM', ?2 || '-' || i, 'ANDROID', NULL, '1.0', ?5, ?5 FROM seq`,
  )
    .bind(n, prefix, backendId, `client-android-${backendId}`, Date.now())
    .run();
}

async function deviceCount(backendId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM devices WHERE backend_id = ?')
    .bind(backendId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function page(demo: Demo, query = ''): Promise<DevicePage> {
  return json<DevicePage>(await asAdministrator(demo, `${LIST}${query ? `?${query}` : ''}`), 200);
}

async function listed(demo: Demo, query: string): Promise<string[]> {
  return (await page(demo, query)).items.map((d) => d.notificationToken);
}

describe('GET /admin/v1/backends/{id}/devices', () => {
  it('returns every device of the backend in id order with its stored fields when no filter is given', async () => {
    const demo = await seed();
    await register(demo, { platform: 'IOS', token: 'AB01', user: 'pat' });
    await register(demo, { platform: 'ANDROID', token: 'fcm-token-1' });
    await register(demo, { platform: 'WEB', token: '+1 415 555 0123', provider: 'SYNIVERSE' });

    const { results } = await env.DB.prepare(
      `SELECT d.*, c.app_id FROM devices d JOIN clients c ON c.id = d.client_id
       WHERE d.backend_id = ? ORDER BY d.id`,
    )
      .bind(DEMO)
      .all<Record<string, string | number | null>>();
    const res = await asAdministrator(demo, LIST);
    expect(await json(res, 200)).toEqual({
      items: results.map((row) => ({
        id: row.id,
        user: row.user,
        notificationProvider: row.provider,
        notificationToken: row.token,
        mobileClient: { id: 'com.example.shop', version: '1.0', platform: row.platform },
        clientId: row.client_id,
        createdOn: new Date(Number(row.created_on)).toISOString(),
        modifiedOn: new Date(Number(row.modified_on)).toISOString(),
      })),
      hasMore: false,
      limit: 1000,
      offset: 0,
      count: 3,
      links: [
        { rel: 'canonical', href: `${ORIGIN}${ADMIN}${LIST}` },
        { rel: 'self', href: `${ORIGIN}${ADMIN}${LIST}` },
      ],
    });
    expect(results.map((r) => [r.token, r.user, r.provider])).toEqual(
      expect.arrayContaining([
        ['ab01', 'pat', 'APNS'],
        ['fcm-token-1', 'demo-admin', 'FCM'],
        ['+14155550123', 'demo-admin', 'SYNIVERSE'],
      ]),
    );
  });

  it('returns exactly the matching devices when user, platform, provider and tokenPrefix are given', async () => {
    const demo = await seed();
    const devices: Registration[] = [
      { platform: 'ANDROID', token: 'alpha-1', user: 'ann' },
      { platform: 'ANDROID', token: 'alpha-2', user: 'bob' },
      { platform: 'WEB', token: 'alphb', user: 'ann' },
      { platform: 'WEB', token: 'ALPHA-3', user: 'ann' },
      { platform: 'IOS', token: 'a1fa', user: 'ann' },
      { platform: 'WEB', token: 'a1fb', user: 'bob' },
      { platform: 'ANDROID', token: 'x_%-1', user: 'bob' },
      { platform: 'ANDROID', token: 'xy%-2', user: 'bob' },
      { platform: 'ANDROID', token: 'tok-é-1', user: 'bob' },
      { platform: 'ANDROID', token: 'tok-😀-1', user: 'bob' },
      { platform: 'ANDROID', token: 'tok-😀😀', user: 'bob' },
      { platform: 'ANDROID', token: 'tok-😁', user: 'bob' },
    ];
    for (const device of devices) await register(demo, device);
    const sorted = (tokens: string[]) => [...tokens].sort();

    expect(sorted(await listed(demo, 'user=ann'))).toEqual(
      sorted(['alpha-1', 'alphb', 'ALPHA-3', 'a1fa']),
    );
    expect(sorted(await listed(demo, 'platform=WEB'))).toEqual(
      sorted(['alphb', 'ALPHA-3', 'a1fb']),
    );
    expect(await listed(demo, 'provider=APNS')).toEqual(['a1fa']);
    expect(await listed(demo, 'provider=GCM&platform=WEB&user=bob')).toEqual(['a1fb']);
    expect(await listed(demo, 'provider=WNS')).toEqual([]);
    expect(sorted(await listed(demo, 'provider=FCM&platform=WEB'))).toEqual(
      sorted(['alphb', 'ALPHA-3', 'a1fb']),
    );
    expect(sorted(await listed(demo, 'tokenPrefix=alpha'))).toEqual(['alpha-1', 'alpha-2']);
    expect(await listed(demo, 'tokenPrefix=alpha&user=bob&platform=ANDROID')).toEqual(['alpha-2']);
    expect(await listed(demo, 'tokenPrefix=a1f&provider=APNS')).toEqual(['a1fa']);
    expect(await listed(demo, `tokenPrefix=${encodeURIComponent('x_%')}`)).toEqual(['x_%-1']);
    expect(await listed(demo, `tokenPrefix=${encodeURIComponent('tok-é')}`)).toEqual(['tok-é-1']);
    expect(sorted(await listed(demo, `tokenPrefix=${encodeURIComponent('tok-😀')}`))).toEqual(
      sorted(['tok-😀-1', 'tok-😀😀']),
    );
    expect(await listed(demo, 'tokenPrefix=nothing')).toEqual([]);
  });

  it('pages with limit and offset, keeping every filter in next and prev', async () => {
    const demo = await seed();
    for (let i = 0; i < 5; i++)
      await register(demo, { platform: 'ANDROID', token: `p-${i}`, user: 'pam' });
    await register(demo, { platform: 'ANDROID', token: 'other', user: 'sue' });
    const all = (await page(demo, 'user=pam')).items.map((d) => d.id);
    expect(all).toEqual([...all].sort());
    expect(all).toHaveLength(5);

    const first = await page(demo, 'user=pam&platform=ANDROID&limit=2');
    expect(first).toMatchObject({ hasMore: true, limit: 2, offset: 0, count: 2 });
    expect(first.items.map((d) => d.id)).toEqual(all.slice(0, 2));
    const base = `${ORIGIN}${ADMIN}${LIST}`;
    expect(first.links).toEqual([
      { rel: 'canonical', href: base },
      { rel: 'self', href: `${base}?user=pam&platform=ANDROID&limit=2` },
      { rel: 'next', href: `${base}?user=pam&platform=ANDROID&limit=2&offset=2` },
    ]);

    const last = await page(demo, 'user=pam&platform=ANDROID&limit=2&offset=4');
    expect(last).toMatchObject({ hasMore: false, limit: 2, offset: 4, count: 1 });
    expect(last.items.map((d) => d.id)).toEqual(all.slice(4));
    expect(last.links.at(-1)).toEqual({
      rel: 'prev',
      href: `${base}?user=pam&platform=ANDROID&limit=2&offset=2`,
    });
    expect((await page(demo, 'limit=100000')).limit).toBe(1000);
  });

  it('returns 400 naming every bad parameter when several are bad', async () => {
    const demo = await seed();
    const query = 'platform=PHONE&provider=XYZ&limit=0&offset=x&user=&tokenPrefix=&user=a';
    const path = `${ADMIN}${LIST}`;
    const problem = await expectProblem(await asAdministrator(demo, `${LIST}?${query}`), 400, path);
    expect(errorPaths(problem)).toEqual([
      '$.limit',
      '$.offset',
      '$.platform',
      '$.provider',
      '$.tokenPrefix',
      '$.user',
    ]);
  });

  it('never returns another backend’s devices and answers 404 for its registry', async () => {
    const demo = await seed();
    const second = await seedSecond();
    await register(demo, { platform: 'ANDROID', token: 'same-token' });
    await register(second, { platform: 'ANDROID', token: 'same-token' });
    await register(second, { platform: 'ANDROID', token: 'their-token' });

    const mine = await page(demo);
    expect(mine.items.map((d) => d.notificationToken)).toEqual(['same-token']);
    expect(mine.items[0]?.clientId).toBe(`client-android-${DEMO}`);
    const theirs = await json<DevicePage>(
      await admin(adminAuth(second), '/backends/b-2/devices'),
      200,
    );
    expect(theirs.count).toBe(2);
    for (const path of ['/backends/b-2/devices', '/backends/b-2/devices?user=demo-admin']) {
      await expectProblem(await asAdministrator(demo, path), 404, `${ADMIN}/backends/b-2/devices`);
    }
  });
});

describe('DELETE /admin/v1/backends/{id}/devices/{deviceId}', () => {
  it('returns 204 and removes only that device when it is the backend’s', async () => {
    const demo = await seed();
    const gone = await register(demo, { platform: 'ANDROID', token: 'gone' });
    const kept = await register(demo, { platform: 'ANDROID', token: 'kept' });

    const res = await asAdministrator(demo, `${LIST}/${gone}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await page(demo)).items.map((d) => d.id)).toEqual([kept]);
  });

  it('returns 404 and removes nothing when the device is unknown, deleted or another backend’s', async () => {
    const demo = await seed();
    const second = await seedSecond();
    const mine = await register(demo, { platform: 'ANDROID', token: 'mine' });
    const theirs = await register(second, { platform: 'ANDROID', token: 'theirs' });
    await asAdministrator(demo, `${LIST}/${mine}`, { method: 'DELETE' });

    for (const id of [mine, theirs, 'no-such-device']) {
      const path = `${LIST}/${id}`;
      const res = await asAdministrator(demo, path, { method: 'DELETE' });
      await expectProblem(res, 404, `${ADMIN}${path}`);
    }
    const other = `/backends/b-2/devices/${theirs}`;
    await expectProblem(
      await asAdministrator(demo, other, { method: 'DELETE' }),
      404,
      `${ADMIN}${other}`,
    );
    expect(await deviceCount('b-2')).toBe(1);
  });
});

describe('POST /admin/v1/backends/{id}/devices/clear', () => {
  it('removes every device of the backend over several pages and answers the count', async () => {
    const demo = await seed();
    const second = await seedSecond();
    await addDevices(DEMO, 'bulk', 1_234);
    await register(demo, { platform: 'IOS', token: 'abcdef' });
    await register(second, { platform: 'ANDROID', token: 'stays' });
    await addDevices('b-2', 'also-stays', 3);

    const res = await asAdministrator(demo, CLEAR, { method: 'POST' });
    expect(await json(res, 200)).toEqual({ removed: 1_235, hasMore: false });
    expect(await deviceCount(DEMO)).toBe(0);
    expect(await deviceCount('b-2')).toBe(4);
    const again = await asAdministrator(demo, CLEAR, { method: 'POST' });
    expect(await json(again, 200)).toEqual({ removed: 0, hasMore: false });
  });

  it('answers hasMore when the backend has more devices than one call removes', async () => {
    const demo = await seed();
    await addDevices(DEMO, 'bulk', 20_001);

    const first = await asAdministrator(demo, CLEAR, { method: 'POST' });
    expect(await json(first, 200)).toEqual({ removed: 20_000, hasMore: true });
    expect(await deviceCount(DEMO)).toBe(1);
    const second = await asAdministrator(demo, CLEAR, { method: 'POST' });
    expect(await json(second, 200)).toEqual({ removed: 1, hasMore: false });
  });
});

describe('device registry access', () => {
  it('returns 200 when a Developer lists and 403 when it deletes or clears', async () => {
    const demo = await seed();
    const id = await register(demo, { platform: 'ANDROID', token: 'dev-visible' });
    const developer = await addMember('dev', 'Developer', [DEMO]);

    const list = await json<DevicePage>(await admin(developer, LIST), 200);
    expect(list.items.map((d) => d.id)).toEqual([id]);
    for (const [method, path] of [
      ['DELETE', `${LIST}/${id}`],
      ['POST', CLEAR],
    ] as const) {
      await expectProblem(await admin(developer, path, { method }), 403, `${ADMIN}${path}`);
    }
    expect(await deviceCount(DEMO)).toBe(1);
  });

  it('returns 401 when the caller is not a team member', async () => {
    const demo = await seed();
    const res = await admin(`Basic ${demo.anonymousKey}`, LIST);
    await expectProblem(res, 401, `${ADMIN}${LIST}`);
  });
});

describe('prefixUpperBound', () => {
  it('returns the prefix with its last character raised when that has a plain successor', () => {
    expect(prefixUpperBound('abc')).toBe('abd');
    expect(prefixUpperBound('tok-é')).toBe('tok-ê');
    expect(prefixUpperBound('a~')).toBe('a\u007f');
  });

  it('returns null when the last character is a surrogate or past U+D7FE', () => {
    expect(prefixUpperBound('tok-😀')).toBeNull();
    expect(prefixUpperBound('x\uffff')).toBeNull();
    expect(prefixUpperBound('')).toBeNull();
  });
});
