/**
 * /admin/v1/backends/{id}/profiles: credentials validated with real keys, sealed at rest, never
 * in any response (every response of every test is searched for them).
 */
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientProfiles, profiles } from '../../src/db/schema';
import { loadCredentials } from '../../src/profiles/credentials';
import { type Demo, errorPaths, expectProblem, seed } from '../helpers';
import {
  ADMIN,
  apnsProfile,
  asAdministrator,
  expectNoSecretSeen,
  json,
  KEY_ID,
  p256Pem,
  p384Pem,
  pemLines,
  resetDatabase,
  rowCount,
  rsaPem,
  serviceAccount,
  TEAM_ID,
} from './fixtures';

const DEMO = '7d0c5c36-3a2b-4c8e-9d7e-5e1f0a6b9c01';
const PROFILES = `/backends/${DEMO}/profiles`;
const APNS_PROFILE = `profile-apns-${DEMO}`;
const TIMESTAMP = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const FINGERPRINT = expect.stringMatching(/^[0-9a-f]{16}$/);
const P8_MESSAGE = 'The private key must be the .p8 file: a PKCS#8 PEM of a P-256 key.';

/** Keys are made once per file: RSA generation is slow. */
const P256 = p256Pem();
const RSA = rsaPem();

/** Secrets the running test sent; afterEach checks that no response contained one. */
let secrets: string[] = [];

beforeEach(async () => {
  await resetDatabase();
  secrets = [...pemLines(await P256), ...pemLines(await RSA)];
});
afterEach(() => expectNoSecretSeen(secrets));

type ProfileBody = {
  id: string;
  name: string;
  provider: string;
  appId: string | null;
  settings: Record<string, unknown>;
  fingerprint: string;
  createdOn: string;
  modifiedOn: string;
};

async function create(demo: Demo, body: unknown): Promise<ProfileBody> {
  return json<ProfileBody>(await asAdministrator(demo, PROFILES, { body }), 201);
}

async function storedProfile(id: string) {
  const [row] = await drizzle(env.DB).select().from(profiles).where(eq(profiles.id, id));
  return row;
}

const credentialsOf = (id: string) => loadCredentials(drizzle(env.DB), env.CREDENTIALS_KEY, id);

describe('POST /admin/v1/backends/{id}/profiles', () => {
  it('returns 201 with settings and a fingerprint when an APNS .p8 key is valid', async () => {
    const demo = await seed();
    const pem = await P256;
    const res = await asAdministrator(demo, PROFILES, { body: apnsProfile(pem) });
    const body = await json<ProfileBody>(res, 201);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'shop-apns-prod',
      provider: 'APNS',
      appId: 'com.example.shop',
      settings: {
        teamId: TEAM_ID,
        keyId: KEY_ID,
        bundleId: 'com.example.shop',
        environment: 'production',
      },
      fingerprint: FINGERPRINT,
      createdOn: TIMESTAMP,
      modifiedOn: body.createdOn,
    });
    expect(res.headers.get('Location')).toBe(`http://pushgate.test${ADMIN}${PROFILES}/${body.id}`);

    // Sealed at rest; the send path reads exactly what was given.
    const row = await storedProfile(body.id);
    expect(row?.credentials).toMatch(/^v1\./);
    for (const line of pemLines(pem)) {
      expect(row?.credentials).not.toContain(line);
      expect(row?.settings).not.toContain(line);
    }
    expect(await credentialsOf(body.id)).toEqual({
      provider: 'APNS',
      teamId: TEAM_ID,
      keyId: KEY_ID,
      privateKeyPem: pem.trim(),
      bundleId: 'com.example.shop',
      environment: 'production',
    });
    expect(await json(await asAdministrator(demo, `${PROFILES}/${body.id}`), 200)).toEqual(body);
    const list = await json<{ items: ProfileBody[] }>(await asAdministrator(demo, PROFILES), 200);
    expect(list.items.map((p) => p.name)).toEqual([
      'demo-apns',
      'demo-fcm',
      'demo-syniverse',
      'demo-wns',
      'shop-apns-prod',
    ]);
  });

  it('stores the service account when an FCM key file comes as JSON text or object', async () => {
    const demo = await seed();
    const pem = await RSA;
    const asText = await create(demo, {
      name: 'fcm-text',
      provider: 'FCM',
      credentials: {
        packageName: 'com.example.shop',
        serviceAccount: JSON.stringify(serviceAccount(pem)),
      },
    });
    // Keys pasted from environment variables carry literal \n: they are stored as newlines.
    const escaped = serviceAccount(pem.replaceAll('\n', '\\n'), { private_key_id: undefined });
    const asObject = await create(demo, {
      name: 'fcm-object',
      provider: 'FCM',
      credentials: { packageName: 'com.example.shop', serviceAccount: escaped },
    });
    expect(asText).toMatchObject({
      provider: 'FCM',
      appId: 'com.example.shop',
      settings: {
        packageName: 'com.example.shop',
        projectId: 'shop-project',
        clientEmail: 'pusher@shop-project.iam.gserviceaccount.com',
        privateKeyId: 'a1b2c3d4e5f6',
      },
    });
    expect(Object.keys(asText.settings).sort()).toEqual([
      'clientEmail',
      'packageName',
      'privateKeyId',
      'projectId',
    ]);
    expect(asObject.settings).toEqual({
      packageName: 'com.example.shop',
      projectId: 'shop-project',
      clientEmail: 'pusher@shop-project.iam.gserviceaccount.com',
    });
    const expected = {
      provider: 'FCM',
      projectId: 'shop-project',
      clientEmail: 'pusher@shop-project.iam.gserviceaccount.com',
      privateKeyPem: pem.trim(),
    };
    expect(await credentialsOf(asText.id)).toEqual({ ...expected, privateKeyId: 'a1b2c3d4e5f6' });
    expect(await credentialsOf(asObject.id)).toEqual(expected);
  });

  it('shows only the non-secret WNS settings when either flow is saved', async () => {
    const demo = await seed();
    const secret = 'wns-client-secret-value-0123456789';
    secrets.push(secret);
    const classic = await create(demo, {
      name: 'wns-classic',
      provider: 'WNS',
      credentials: {
        appId: 'com.example.shop',
        flow: 'classic',
        packageSid: 'ms-app://S-1-15-2-1-2-3-4-5-6-7',
        clientSecret: secret,
      },
    });
    const entra = await create(demo, {
      name: 'wns-entra',
      provider: 'WNS',
      credentials: {
        appId: 'com.example.shop',
        flow: 'entra',
        tenantId: 'contoso.onmicrosoft.com',
        clientId: '0f9e8d7c-6b5a-4321-8fed-cba987654321',
        clientSecret: secret,
      },
    });
    expect(classic.settings).toEqual({
      appId: 'com.example.shop',
      flow: 'classic',
      packageSid: 'ms-app://S-1-15-2-1-2-3-4-5-6-7',
    });
    expect(entra.settings).toEqual({
      appId: 'com.example.shop',
      flow: 'entra',
      tenantId: 'contoso.onmicrosoft.com',
      clientId: '0f9e8d7c-6b5a-4321-8fed-cba987654321',
    });
    expect(await credentialsOf(entra.id)).toEqual({
      provider: 'WNS',
      flow: 'entra',
      tenantId: 'contoso.onmicrosoft.com',
      clientId: '0f9e8d7c-6b5a-4321-8fed-cba987654321',
      clientSecret: secret,
    });
  });

  it('stores the consent flag when a SYNIVERSE sender id or channel is saved', async () => {
    const demo = await seed();
    const appToken = 'syniverse-app-token-abcdefghijklmnop';
    secrets.push(appToken);
    const consenting = await create(demo, {
      name: 'sms-consent',
      provider: 'SYNIVERSE',
      credentials: { appToken, senderId: 'tcS8h40LXgvJsGMQI93WK4', consentManagement: true },
    });
    const channel = await create(demo, {
      name: 'sms-channel',
      provider: 'SYNIVERSE',
      credentials: { appToken, channel: 'chan-42' },
    });
    expect(consenting).toMatchObject({
      appId: null,
      settings: { senderId: 'tcS8h40LXgvJsGMQI93WK4', consentManagement: true },
    });
    expect(channel.settings).toEqual({ channel: 'chan-42', consentManagement: false });
    expect(await credentialsOf(consenting.id)).toEqual({
      provider: 'SYNIVERSE',
      appToken,
      from: 'sender_id:tcS8h40LXgvJsGMQI93WK4',
      consentRequirement: 'OPT_IN',
    });
    expect(await credentialsOf(channel.id)).toEqual({
      provider: 'SYNIVERSE',
      appToken,
      from: 'channel:chan-42',
    });
  });

  it('seals the consumer secret and never stores it in the clear when it is given', async () => {
    const demo = await seed();
    const consumerSecret = 'consumer-secret-0123456789abcdef';
    secrets.push(consumerSecret);
    const profile = await create(demo, {
      name: 'sms-refreshable',
      provider: 'SYNIVERSE',
      credentials: {
        appToken: 'syniverse-app-token-refreshable',
        senderId: 'sender42',
        consumerKey: 'consumer-key-42',
        consumerSecret,
      },
    });
    expect(await credentialsOf(profile.id)).toMatchObject({
      consumerKey: 'consumer-key-42',
      consumerSecret,
    });
    const row = await env.DB.prepare('SELECT settings, credentials FROM profiles WHERE id = ?')
      .bind(profile.id)
      .first<{ settings: string; credentials: string }>();
    expect(`${row?.settings}${row?.credentials}`).not.toContain(consumerSecret);
  });

  it('returns 400 and stores nothing when the .p8 is not a P-256 PKCS#8 key', async () => {
    const demo = await seed();
    const before = await rowCount('profiles');
    const p256 = await P256;
    const p384 = await p384Pem();
    secrets.push(...pemLines(p384));
    for (const privateKey of [
      p384,
      await RSA,
      p256.replaceAll('PRIVATE KEY', 'EC PRIVATE KEY'),
      p256.slice(0, 120),
      'not a key',
      '',
    ]) {
      const res = await asAdministrator(demo, PROFILES, { body: apnsProfile(privateKey) });
      const problem = await expectProblem(res, 400, `${ADMIN}${PROFILES}`);
      expect(problem['o:errorDetails']).toEqual([
        {
          title: P8_MESSAGE,
          'o:errorCode': 'INVALID_FIELD',
          'o:errorPath': '$.credentials.privateKey',
        },
      ]);
    }
    expect(await rowCount('profiles')).toBe(before);
  });

  it('returns 400 naming private_key and client_email when the key file lacks them', async () => {
    const demo = await seed();
    const before = await rowCount('profiles');
    const fcm = (account: unknown) => ({
      name: 'fcm',
      provider: 'FCM',
      credentials: { packageName: 'com.example.shop', serviceAccount: account },
    });
    const cases: [unknown, string[]][] = [
      [
        serviceAccount('', { private_key: undefined, client_email: undefined }),
        ['$.credentials.serviceAccount.client_email', '$.credentials.serviceAccount.private_key'],
      ],
      [serviceAccount(await P256), ['$.credentials.serviceAccount.private_key']],
      [
        serviceAccount(await RSA, { type: 'authorized_user' }),
        ['$.credentials.serviceAccount.type'],
      ],
      ['{"type": "service_account",', ['$.credentials.serviceAccount']],
      [42, ['$.credentials.serviceAccount']],
    ];
    for (const [account, paths] of cases) {
      const res = await asAdministrator(demo, PROFILES, { body: fcm(account) });
      expect(errorPaths(await expectProblem(res, 400, `${ADMIN}${PROFILES}`))).toEqual(paths);
    }
    expect(await rowCount('profiles')).toBe(before);
  });

  it('returns 400 listing every bad field when several fields are wrong', async () => {
    const demo = await seed();
    const before = await rowCount('profiles');
    const cases: [unknown, string[]][] = [
      [
        {
          ...apnsProfile('not a key', {
            teamId: 'short',
            keyId: undefined,
            environment: 'staging',
          }),
          name: 'has space',
          extra: 1,
        },
        [
          '$',
          '$.credentials.environment',
          '$.credentials.keyId',
          '$.credentials.privateKey',
          '$.credentials.teamId',
          '$.name',
        ],
      ],
      [{ name: 'x', provider: 'GCM', credentials: {} }, ['$.provider']],
      [{ name: 'x', provider: 'WNS', credentials: { appId: 'a' } }, ['$.credentials.flow']],
      [
        {
          name: 'x',
          provider: 'SYNIVERSE',
          credentials: { appToken: 'token', senderId: 'a', channel: 'b', consentManagement: 'yes' },
        },
        ['$.credentials.consentManagement', '$.credentials.senderId'],
      ],
      [
        { name: 'x', provider: 'SYNIVERSE', credentials: { appToken: 'has space' } },
        ['$.credentials.appToken', '$.credentials.senderId'],
      ],
    ];
    for (const [body, paths] of cases) {
      const res = await asAdministrator(demo, PROFILES, { body });
      const problem = await expectProblem(res, 400, `${ADMIN}${PROFILES}`);
      expect(errorPaths(problem)).toEqual(paths);
      expect(problem['o:errorCode']).toBe('VALIDATION_FAILED');
    }
    expect(await rowCount('profiles')).toBe(before);
  });

  it('returns 409 and stores nothing when the name is taken', async () => {
    const demo = await seed();
    const before = await rowCount('profiles');
    const body = { ...apnsProfile(await P256), name: 'demo-fcm' };
    const res = await asAdministrator(demo, PROFILES, { body });
    const problem = await expectProblem(res, 409, `${ADMIN}${PROFILES}`);
    expect(errorPaths(problem)).toEqual(['$.name']);
    expect(await rowCount('profiles')).toBe(before);
  });
});

describe('PATCH /admin/v1/backends/{id}/profiles/{profileId}', () => {
  it('re-seals with a new fingerprint when the credentials are replaced', async () => {
    const demo = await seed();
    const created = await create(demo, apnsProfile(await P256));
    const before = await storedProfile(created.id);
    const next = await p256Pem();
    secrets.push(...pemLines(next));
    const path = `${PROFILES}/${created.id}`;
    const res = await asAdministrator(demo, path, {
      method: 'PATCH',
      body: { credentials: apnsProfile(next, { environment: 'development' }).credentials },
    });
    const body = await json<ProfileBody>(res, 200);
    expect(body).toEqual({
      ...created,
      settings: { ...created.settings, environment: 'development' },
      fingerprint: FINGERPRINT,
      modifiedOn: TIMESTAMP,
    });
    expect(body.fingerprint).not.toBe(created.fingerprint);
    const after = await storedProfile(created.id);
    expect(after?.credentials).not.toBe(before?.credentials);
    expect(after?.modifiedOn).toBeGreaterThanOrEqual(before?.modifiedOn ?? 0);
    expect(await credentialsOf(created.id)).toMatchObject({
      privateKeyPem: next.trim(),
      environment: 'development',
    });
  });

  it('keeps the sealed credentials when only the name changes', async () => {
    const demo = await seed();
    const before = await storedProfile(APNS_PROFILE);
    const path = `${PROFILES}/${APNS_PROFILE}`;
    const res = await asAdministrator(demo, path, {
      method: 'PATCH',
      body: { name: 'apns-renamed', provider: 'APNS' },
    });
    const body = await json<ProfileBody>(res, 200);
    expect(body).toMatchObject({ name: 'apns-renamed', fingerprint: before?.fingerprint });
    const after = await storedProfile(APNS_PROFILE);
    expect(after).toEqual({ ...before, name: 'apns-renamed', modifiedOn: after?.modifiedOn });
  });

  it('returns 400 and changes nothing when the credentials or provider are refused', async () => {
    const demo = await seed();
    const before = await storedProfile(APNS_PROFILE);
    const path = `${PROFILES}/${APNS_PROFILE}`;
    const cases: [unknown, string[]][] = [
      [{ credentials: apnsProfile(await RSA).credentials }, ['$.credentials.privateKey']],
      [{ provider: 'FCM', name: 'new-name' }, ['$.provider']],
      [
        { name: 'bad name', credentials: { teamId: 'ABCDE12345' } },
        [
          '$.credentials.bundleId',
          '$.credentials.environment',
          '$.credentials.keyId',
          '$.credentials.privateKey',
          '$.name',
        ],
      ],
      [[], ['$']],
    ];
    for (const [body, paths] of cases) {
      const res = await asAdministrator(demo, path, { method: 'PATCH', body });
      expect(errorPaths(await expectProblem(res, 400, `${ADMIN}${path}`))).toEqual(paths);
    }
    expect(await storedProfile(APNS_PROFILE)).toEqual(before);
  });

  it('returns 400 and changes nothing when a linked profile would change app id', async () => {
    const demo = await seed();
    const before = await storedProfile(APNS_PROFILE);
    const path = `${PROFILES}/${APNS_PROFILE}`;
    const credentials = apnsProfile(await P256, { bundleId: 'com.example.other' }).credentials;
    const res = await asAdministrator(demo, path, { method: 'PATCH', body: { credentials } });
    const problem = await expectProblem(res, 400, `${ADMIN}${path}`);
    expect(problem['o:errorCode']).toBe('APP_ID_MISMATCH');
    expect(problem.detail).toBe(
      'The profile is linked to clients with another app id (shop-ios, shop-web): ' +
        'unlink them first, or keep the app id.',
    );
    expect(errorPaths(problem)).toEqual(['$.credentials.bundleId']);
    expect(await storedProfile(APNS_PROFILE)).toEqual(before);

    // Unlinked, the same change is accepted.
    const created = await create(demo, apnsProfile(await P256));
    const moved = await asAdministrator(demo, `${PROFILES}/${created.id}`, {
      method: 'PATCH',
      body: { credentials },
    });
    expect((await json<ProfileBody>(moved, 200)).appId).toBe('com.example.other');
  });
});

describe('DELETE /admin/v1/backends/{id}/profiles/{profileId}', () => {
  it('deletes the profile and unlinks it from its clients when it exists', async () => {
    const demo = await seed();
    const links = () =>
      drizzle(env.DB)
        .select()
        .from(clientProfiles)
        .where(eq(clientProfiles.profileId, APNS_PROFILE));
    expect(await links()).toHaveLength(2);
    const path = `${PROFILES}/${APNS_PROFILE}`;
    const res = await asAdministrator(demo, path, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await storedProfile(APNS_PROFILE)).toBeUndefined();
    expect(await links()).toEqual([]);
    expect(await rowCount('clients')).toBe(4);
    await expectProblem(await asAdministrator(demo, path), 404, `${ADMIN}${path}`);
    const again = await asAdministrator(demo, path, { method: 'DELETE' });
    await expectProblem(again, 404, `${ADMIN}${path}`);
  });
});
