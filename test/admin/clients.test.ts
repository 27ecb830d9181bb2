/** /admin/v1/backends/{id}/clients: create, list, read, update and delete clients. */
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { beforeEach, describe, expect, it } from 'vitest';
import { clients } from '../../src/db/schema';
import { type Demo, errorPaths, expectProblem, hexToken, register, seed } from '../helpers';
import { ADMIN, asAdministrator, json, resetDatabase, rowCount } from './fixtures';

beforeEach(resetDatabase);

const DEMO = '7d0c5c36-3a2b-4c8e-9d7e-5e1f0a6b9c01';
const CLIENTS = `/backends/${DEMO}/clients`;
const IOS_CLIENT = `client-ios-${DEMO}`;
const TIMESTAMP = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

const kiosk = {
  name: 'kiosk',
  displayName: 'Kiosk app',
  platform: 'ANDROID',
  appId: 'com.example.kiosk',
  versions: ['1.0', '1.1'],
};

type ClientBody = typeof kiosk & { id: string; profiles: unknown[]; createdOn: string };

async function createKiosk(demo: Demo): Promise<ClientBody> {
  return json<ClientBody>(await asAdministrator(demo, CLIENTS, { body: kiosk }), 201);
}

async function storedClient(id: string) {
  const [row] = await drizzle(env.DB).select().from(clients).where(eq(clients.id, id));
  return row;
}

describe('POST /admin/v1/backends/{id}/clients', () => {
  it('returns 201 with the client and stores it when the body is valid', async () => {
    const demo = await seed();
    const res = await asAdministrator(demo, CLIENTS, { body: kiosk });
    const body = await json<ClientBody>(res, 201);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...kiosk,
      profiles: [],
      createdOn: TIMESTAMP,
    });
    expect(res.headers.get('Location')).toBe(`http://pushgate.test${ADMIN}${CLIENTS}/${body.id}`);
    expect(await storedClient(body.id)).toEqual({
      id: body.id,
      backendId: DEMO,
      name: 'kiosk',
      displayName: 'Kiosk app',
      platform: 'ANDROID',
      appId: 'com.example.kiosk',
      versions: '["1.0","1.1"]',
      createdOn: Date.parse(body.createdOn),
    });
    const read = await json(await asAdministrator(demo, `${CLIENTS}/${body.id}`), 200);
    expect(read).toEqual(body);
  });

  it('returns 400 listing every bad field and stores nothing when invalid', async () => {
    const demo = await seed();
    const before = await rowCount('clients');
    const res = await asAdministrator(demo, CLIENTS, {
      body: {
        name: 'has spaces',
        displayName: '  ',
        platform: 'BLACKBERRY',
        appId: 'com.example kiosk',
        versions: ['1.0', '1.0', ''],
        extra: true,
      },
    });
    const problem = await expectProblem(res, 400, `${ADMIN}${CLIENTS}`);
    expect(errorPaths(problem)).toEqual([
      '$',
      '$.appId',
      '$.displayName',
      '$.name',
      '$.platform',
      '$.versions',
      '$.versions[2]',
    ]);
    expect(problem['o:errorCode']).toBe('VALIDATION_FAILED');
    const missing = await asAdministrator(demo, CLIENTS, { body: {} });
    const empty = await expectProblem(missing, 400, `${ADMIN}${CLIENTS}`);
    expect(errorPaths(empty)).toEqual([
      '$.appId',
      '$.displayName',
      '$.name',
      '$.platform',
      '$.versions',
    ]);
    for (const body of ['not json', '[1]']) {
      await expectProblem(
        await asAdministrator(demo, CLIENTS, { body }),
        400,
        `${ADMIN}${CLIENTS}`,
      );
    }
    expect(await rowCount('clients')).toBe(before);
  });

  it('returns 409 naming both fields when the name and the platform app id are taken', async () => {
    const demo = await seed();
    const before = await rowCount('clients');
    const res = await asAdministrator(demo, CLIENTS, {
      body: { ...kiosk, name: 'shop-ios', platform: 'IOS', appId: 'com.example.shop' },
    });
    const problem = await expectProblem(res, 409, `${ADMIN}${CLIENTS}`);
    expect(problem['o:errorDetails']).toEqual([
      {
        title: 'A client named shop-ios already exists.',
        'o:errorCode': 'TAKEN',
        'o:errorPath': '$.name',
      },
      {
        title: 'A IOS client with app id com.example.shop already exists.',
        'o:errorCode': 'TAKEN',
        'o:errorPath': '$.appId',
      },
    ]);
    expect(await rowCount('clients')).toBe(before);
  });
});

describe('GET /admin/v1/backends/{id}/clients', () => {
  it('lists the clients by name with their linked profiles', async () => {
    const demo = await seed();
    await createKiosk(demo);
    const list = await json<{ items: ClientBody[]; count: number }>(
      await asAdministrator(demo, CLIENTS),
      200,
    );
    expect(list.count).toBe(5);
    expect(list.items.map((c) => c.name)).toEqual([
      'kiosk',
      'shop-android',
      'shop-ios',
      'shop-web',
      'shop-windows',
    ]);
    const ios = list.items.find((c) => c.name === 'shop-ios');
    expect(ios).toEqual({
      id: IOS_CLIENT,
      name: 'shop-ios',
      displayName: 'Shop (IOS)',
      platform: 'IOS',
      appId: 'com.example.shop',
      versions: ['1.0'],
      profiles: [
        { id: `profile-apns-${DEMO}`, name: 'demo-apns', provider: 'APNS' },
        { id: `profile-syniverse-${DEMO}`, name: 'demo-syniverse', provider: 'SYNIVERSE' },
      ],
      createdOn: TIMESTAMP,
    });
  });
});

describe('PATCH /admin/v1/backends/{id}/clients/{clientId}', () => {
  it('updates name, display name and versions when the app id is repeated unchanged', async () => {
    const demo = await seed();
    const created = await createKiosk(demo);
    const path = `${CLIENTS}/${created.id}`;
    const res = await asAdministrator(demo, path, {
      method: 'PATCH',
      body: {
        name: 'kiosk-2',
        displayName: 'Kiosk 2',
        versions: ['2.0'],
        appId: kiosk.appId,
        platform: 'ANDROID',
      },
    });
    expect(await json(res, 200)).toEqual({
      ...created,
      name: 'kiosk-2',
      displayName: 'Kiosk 2',
      versions: ['2.0'],
    });
    expect(await storedClient(created.id)).toMatchObject({
      name: 'kiosk-2',
      displayName: 'Kiosk 2',
      versions: '["2.0"]',
      appId: kiosk.appId,
    });
  });

  it('returns 400 listing every bad field when the app id would change', async () => {
    const demo = await seed();
    const created = await createKiosk(demo);
    const before = await storedClient(created.id);
    const path = `${CLIENTS}/${created.id}`;
    const res = await asAdministrator(demo, path, {
      method: 'PATCH',
      body: { appId: 'com.example.other', platform: 'IOS', displayName: 'Fine', versions: [] },
    });
    const problem = await expectProblem(res, 400, `${ADMIN}${path}`);
    expect(errorPaths(problem)).toEqual(['$.appId', '$.platform', '$.versions']);
    const titles = Object.fromEntries(
      (problem['o:errorDetails'] ?? []).map((d) => [d['o:errorPath'], d.title]),
    );
    expect(titles).toEqual({
      '$.appId': 'The app id of a client cannot be changed after creation.',
      '$.platform': 'The platform of a client cannot be changed after creation.',
      '$.versions': 'Give at least one version.',
    });
    expect(await storedClient(created.id)).toEqual(before);
  });

  it('returns 409 and changes nothing when the new name is taken', async () => {
    const demo = await seed();
    const created = await createKiosk(demo);
    const path = `${CLIENTS}/${created.id}`;
    const res = await asAdministrator(demo, path, {
      method: 'PATCH',
      body: { name: 'shop-ios', displayName: 'Taken' },
    });
    const problem = await expectProblem(res, 409, `${ADMIN}${path}`);
    expect(errorPaths(problem)).toEqual(['$.name']);
    expect((await storedClient(created.id))?.displayName).toBe('Kiosk app');
  });
});

describe('DELETE /admin/v1/backends/{id}/clients/{clientId}', () => {
  it('deletes the client, its devices and its links when it exists', async () => {
    const demo = await seed();
    const token = hexToken('c1');
    await register(demo, { platform: 'IOS', token });
    const devices = () =>
      env.DB.prepare('SELECT count(*) AS n FROM devices WHERE client_id = ?')
        .bind(IOS_CLIENT)
        .first<{ n: number }>();
    const links = () =>
      env.DB.prepare('SELECT count(*) AS n FROM client_profiles WHERE client_id = ?')
        .bind(IOS_CLIENT)
        .first<{ n: number }>();
    expect((await devices())?.n).toBe(1);
    expect((await links())?.n).toBe(2);

    const path = `${CLIENTS}/${IOS_CLIENT}`;
    const res = await asAdministrator(demo, path, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(await storedClient(IOS_CLIENT)).toBeUndefined();
    expect((await devices())?.n).toBe(0);
    expect((await links())?.n).toBe(0);
    expect(await rowCount('profiles')).toBe(4);

    await expectProblem(await asAdministrator(demo, path), 404, `${ADMIN}${path}`);
    const again = await asAdministrator(demo, path, { method: 'DELETE' });
    await expectProblem(again, 404, `${ADMIN}${path}`);
  });
});
