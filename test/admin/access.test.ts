/** Who may call the administration API, and which backends a team member sees. */
import { beforeEach, describe, expect, it } from 'vitest';
import { api, basic, expectProblem, seed } from '../helpers';
import {
  ADMIN,
  addMember,
  admin,
  adminAuth,
  apnsProfile,
  asAdministrator,
  json,
  p256Pem,
  resetDatabase,
  seedSecond,
} from './fixtures';

beforeEach(resetDatabase);

const DEMO = '7d0c5c36-3a2b-4c8e-9d7e-5e1f0a6b9c01';
const CLIENTS = `/backends/${DEMO}/clients`;
const PROFILES = `/backends/${DEMO}/profiles`;
const IOS_CLIENT = `client-ios-${DEMO}`;
const APNS_PROFILE = `profile-apns-${DEMO}`;

const newClient = {
  name: 'kiosk',
  displayName: 'Kiosk',
  platform: 'ANDROID',
  appId: 'com.example.kiosk',
  versions: ['1.0'],
};

describe('administration API authentication', () => {
  it('returns 401 with WWW-Authenticate when credentials are missing or wrong', async () => {
    const demo = await seed();
    const token = await api('/oauth2/v1/token', {
      body: 'grant_type=client_credentials',
      auth: basic('demo-client', 'demo-client-secret'),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const { access_token } = await json<{ access_token: string }>(token, 200);
    const path = `${ADMIN}/backends`;
    for (const auth of [
      undefined,
      basic(demo.admin.username, 'not-the-password'),
      basic('nobody', 'whatever'),
      basic(demo.mobileUser.username, demo.mobileUser.password),
      `Basic ${demo.anonymousKey}`,
      `Bearer ${access_token}`,
      'Basic %%%not-base64',
    ]) {
      const res = await api(path, { auth });
      await expectProblem(res, 401, path);
      expect(res.headers.get('WWW-Authenticate')).toContain('Basic');
    }
  });

  it('answers without the backend header when a team member calls', async () => {
    const demo = await seed();
    const res = await asAdministrator(demo, `/backends/${DEMO}`);
    expect((await json(res, 200)).id).toBe(DEMO);
  });
});

describe('administration API backend scope', () => {
  it('lists only the backends the member is linked to when several exist', async () => {
    await seed();
    const second = await seedSecond();
    await seed({
      backendId: 'b-3',
      backendName: 'third',
      admin: { username: 'admin3', password: 'pw3-long-enough' },
      anonymousSecret: 'third-anonymous-secret',
      oauth: { clientId: 'c3', clientSecret: 's3' },
    });
    const both = await addMember('ops', 'Developer', [DEMO, 'b-3']);

    const mine = await json<{ items: { id: string }[] }>(await admin(both, '/backends'), 200);
    expect(mine.items.map((b) => b.id)).toEqual([DEMO, 'b-3']);
    const theirs = await json<{ items: { id: string }[] }>(
      await admin(adminAuth(second), '/backends'),
      200,
    );
    expect(theirs.items.map((b) => b.id)).toEqual(['b-2']);
  });

  it('returns 404 when a member names another backend or its resources', async () => {
    const demo = await seed();
    const second = await seedSecond();
    const otherClient = 'client-ios-b-2';
    const otherProfile = 'profile-apns-b-2';
    const paths = [
      '/backends/b-2',
      '/backends/b-2/clients',
      `/backends/b-2/clients/${otherClient}`,
      '/backends/b-2/profiles',
      `/backends/b-2/profiles/${otherProfile}`,
      `/backends/b-2/clients/${otherClient}/profiles`,
      `${CLIENTS}/${otherClient}`,
      `${PROFILES}/${otherProfile}`,
      `${CLIENTS}/${IOS_CLIENT}/profiles/${otherProfile}`,
      '/backends/no-such-backend/clients',
    ];
    for (const path of paths) {
      await expectProblem(await asAdministrator(demo, path), 404, `${ADMIN}${path}`);
    }
    const writes: [string, string, unknown][] = [
      ['DELETE', `${CLIENTS}/${otherClient}`, undefined],
      ['PATCH', `${PROFILES}/${otherProfile}`, { name: 'x' }],
      ['PUT', `${CLIENTS}/${IOS_CLIENT}/profiles/${otherProfile}`, undefined],
      ['PUT', '/backends/b-2/policies', {}],
    ];
    for (const [method, path, body] of writes) {
      const res = await asAdministrator(demo, path, { method, body });
      await expectProblem(res, 404, `${ADMIN}${path}`);
    }
    // Nothing of the second backend changed.
    const res = await admin(adminAuth(second), `/backends/b-2/clients/${otherClient}`);
    expect((await json<{ profiles: unknown[] }>(res, 200)).profiles).toHaveLength(2);
  });

  it('returns 200 when a Developer reads and 403 when it writes', async () => {
    await seed();
    const developer = await addMember('dev', 'Developer', [DEMO]);
    for (const path of [
      '/backends',
      `/backends/${DEMO}`,
      CLIENTS,
      `${CLIENTS}/${IOS_CLIENT}`,
      PROFILES,
      `${PROFILES}/${APNS_PROFILE}`,
      `${CLIENTS}/${IOS_CLIENT}/profiles`,
    ]) {
      expect((await admin(developer, path)).status, path).toBe(200);
    }
    const writes: [string, string, unknown][] = [
      ['POST', CLIENTS, newClient],
      ['PATCH', `${CLIENTS}/${IOS_CLIENT}`, { displayName: 'Renamed' }],
      ['DELETE', `${CLIENTS}/${IOS_CLIENT}`, undefined],
      ['POST', PROFILES, apnsProfile(await p256Pem())],
      ['PATCH', `${PROFILES}/${APNS_PROFILE}`, { name: 'renamed' }],
      ['DELETE', `${PROFILES}/${APNS_PROFILE}`, undefined],
      ['PUT', `${CLIENTS}/client-android-${DEMO}/profiles/${APNS_PROFILE}`, undefined],
      ['DELETE', `${CLIENTS}/${IOS_CLIENT}/profiles/${APNS_PROFILE}`, undefined],
      ['PUT', `/backends/${DEMO}/policies`, { Notifications_DeviceCountWarningThreshold: 5 }],
    ];
    for (const [method, path, body] of writes) {
      const res = await admin(developer, path, { method, body });
      await expectProblem(res, 403, `${ADMIN}${path}`);
    }
    const clients = await json<{ count: number }>(await admin(developer, CLIENTS), 200);
    expect(clients.count).toBe(4);
  });

  it('returns 201 when an Administrator linked to the backend creates a client', async () => {
    await seed();
    const administrator = await addMember('boss', 'Administrator', [DEMO]);
    const res = await admin(administrator, CLIENTS, { body: newClient });
    expect(res.status).toBe(201);
  });
});
