/** Who may call what (api-contract.md, Conventions: Auth), seen from the outside. */
import { env } from 'cloudflare:workers';
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/crypto/password';
import { backendMembers, devices, teamMembers } from '../../src/db/schema';
import {
  api,
  asAdmin,
  basic,
  type Call,
  DEVICES,
  type Demo,
  expectProblem,
  hexToken,
  NOTIFICATIONS,
  seed,
} from '../helpers';

const REGISTER = `${DEVICES}/register`;
const TOKEN = '/oauth2/v1/token';
const IOS = { id: 'com.example.shop', version: '1.0', platform: 'IOS' };

/** A second backend whose admin must not see the demo backend. */
const seedSecond = () =>
  seed({
    backendId: 'b-2',
    backendName: 'second',
    admin: { username: 'admin2', password: 'pw2-long-enough' },
    mobileUser: { username: 'sam', password: 'sam-password' },
    oauth: { clientId: 'c2', clientSecret: 's2' },
  });

const asPat = (demo: Demo, path: string, call: Call = {}) =>
  api(path, {
    auth: basic(demo.mobileUser.username, demo.mobileUser.password),
    backendId: demo.backendId,
    ...call,
  });

const asAnonymous = (demo: Demo, path: string, call: Call = {}) =>
  api(path, { auth: `Basic ${demo.anonymousKey}`, backendId: demo.backendId, ...call });

const device = () => ({ mobileClient: IOS, notificationToken: hexToken('a0') });

function tokenRequest(form: string, auth?: string) {
  return api(TOKEN, {
    method: 'POST',
    body: form,
    auth,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

async function accessToken(clientId: string, secret: string): Promise<string> {
  const res = await tokenRequest('grant_type=client_credentials', basic(clientId, secret));
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A JWT signed with `secret`, shaped like ours unless `claims` say otherwise. */
function craftedToken(secret: string, claims: Record<string, unknown>, expiresAt: number) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('pushgate')
    .setIssuedAt(expiresAt - 3600)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}

async function createNotification(demo: Demo): Promise<number> {
  const res = await asAdmin(demo, NOTIFICATIONS, {
    body: { message: 'Only for the demo backend' },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

describe('Basic authentication', () => {
  it('returns 401 with WWW-Authenticate when no Authorization is sent', async () => {
    const demo = await seed();
    const res = await api(REGISTER, { backendId: demo.backendId, body: device() });
    await expectProblem(res, 401, REGISTER);
    expect(res.headers.get('WWW-Authenticate')).toMatch(/^Basic realm=/);
  });

  it('returns 401 with WWW-Authenticate when the password is wrong', async () => {
    const demo = await seed();
    for (const auth of [
      basic(demo.admin.username, 'not-the-password'),
      basic(demo.mobileUser.username, 'not-the-password'),
      basic('nobody', 'whatever'),
      'Basic %%%not-base64',
      `Basic ${btoa('no-colon')}`,
      'Digest username="demo-admin"',
    ]) {
      const res = await api(NOTIFICATIONS, { auth, backendId: demo.backendId });
      await expectProblem(res, 401, NOTIFICATIONS);
      expect(res.headers.get('WWW-Authenticate')).toContain('Basic');
    }
  });

  it('returns 400 when Basic credentials come without the backend header', async () => {
    const demo = await seed();
    const asAdminWithoutHeader = api(NOTIFICATIONS, {
      auth: basic(demo.admin.username, demo.admin.password),
    });
    const body = await expectProblem(await asAdminWithoutHeader, 400, NOTIFICATIONS);
    expect(body.detail).toContain('Oracle-Mobile-Backend-ID');
    const anonymous = await api(REGISTER, { auth: `Basic ${demo.anonymousKey}`, body: device() });
    await expectProblem(anonymous, 400, REGISTER);
  });

  it('returns 201 when a team member with the Developer role sends a notification', async () => {
    const demo = await seed();
    const db = drizzle(env.DB);
    const id = 'member-dev-auth-test';
    await db
      .insert(teamMembers)
      .values({
        id,
        username: 'dev-auth-test',
        passwordHash: await hashPassword('dev-password'),
        role: 'Developer',
        createdOn: Date.now(),
      })
      .onConflictDoNothing();
    await db
      .insert(backendMembers)
      .values({ backendId: demo.backendId, memberId: id })
      .onConflictDoNothing();
    const res = await api(NOTIFICATIONS, {
      auth: basic('dev-auth-test', 'dev-password'),
      backendId: demo.backendId,
      body: { message: 'From a developer' },
    });
    expect(res.status).toBe(201);
  });

  it('returns 403 when a mobile user sends or lists notifications', async () => {
    const demo = await seed();
    const post = await asPat(demo, NOTIFICATIONS, { body: { message: 'Not allowed' } });
    await expectProblem(post, 403, NOTIFICATIONS);
    await expectProblem(await asPat(demo, NOTIFICATIONS), 403, NOTIFICATIONS);
  });

  it('returns 403 when a team member of another backend names this backend', async () => {
    const demo = await seed();
    const second = await seedSecond();
    const res = await api(NOTIFICATIONS, {
      auth: basic(second.admin.username, second.admin.password),
      backendId: demo.backendId,
      body: { message: 'Wrong backend' },
    });
    await expectProblem(res, 403, NOTIFICATIONS);
  });

  it('returns 403 when a mobile user names a backend it does not belong to', async () => {
    const demo = await seed();
    const second = await seedSecond();
    const res = await asPat(demo, REGISTER, { backendId: second.backendId, body: device() });
    await expectProblem(res, 403, REGISTER);
  });

  it('returns 404 when a backend reads a notification of another backend', async () => {
    const demo = await seed();
    const second = await seedSecond();
    const id = await createNotification(demo);
    expect((await asAdmin(demo, `${NOTIFICATIONS}/${id}`)).status).toBe(200);

    const path = `${NOTIFICATIONS}/${id}`;
    await expectProblem(await asAdmin(second, path), 404, path);
    const list = await asAdmin(second, NOTIFICATIONS);
    const { items } = (await list.json()) as { items: { id: number }[] };
    expect(items.map((n) => n.id)).not.toContain(id);
  });

  it('registers for the right backend when a mobile user name exists in two backends', async () => {
    const demo = await seed();
    const fourth = await seed({
      backendId: 'b-4',
      backendName: 'fourth',
      admin: { username: 'admin4', password: 'pw4-long-enough' },
      mobileUser: { username: 'pat', password: 'pat-password' },
      oauth: { clientId: 'c4', clientSecret: 's4' },
    });
    for (const backend of [fourth, demo]) {
      const token = hexToken('bb');
      const res = await asPat(backend, REGISTER, {
        body: { mobileClient: IOS, notificationToken: token },
      });
      expect(res.status).toBe(201);
      const rows = await drizzle(env.DB).select().from(devices).where(eq(devices.token, token));
      expect(rows.map((r) => [r.backendId, r.user])).toEqual([[backend.backendId, 'pat']]);
    }
  });
});

describe('anonymous key', () => {
  it('registers a device without a user when the anonymous key is used', async () => {
    const demo = await seed();
    const body = device();
    const res = await asAnonymous(demo, REGISTER, { body });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      user: null,
      notificationToken: body.notificationToken,
    });
    const rows = await drizzle(env.DB)
      .select()
      .from(devices)
      .where(and(eq(devices.backendId, demo.backendId), eq(devices.token, body.notificationToken)));
    expect(rows.map((r) => r.user)).toEqual([null]);
  });

  it('returns 403 when the anonymous key names a user', async () => {
    const demo = await seed();
    const res = await asAnonymous(demo, REGISTER, { body: { ...device(), user: 'pat' } });
    await expectProblem(res, 403, REGISTER);
  });

  it('returns 403 when the anonymous key sends or reads notifications', async () => {
    const demo = await seed();
    const post = await asAnonymous(demo, NOTIFICATIONS, { body: { message: 'Not allowed' } });
    await expectProblem(post, 403, NOTIFICATIONS);
    await expectProblem(await asAnonymous(demo, NOTIFICATIONS), 403, NOTIFICATIONS);
  });

  it('returns 403 when one backend’s anonymous key names another backend', async () => {
    const demo = await seed();
    const second = await seedSecond();
    const res = await asAnonymous(demo, REGISTER, { backendId: second.backendId, body: device() });
    await expectProblem(res, 403, REGISTER);
  });
});

describe('OAuth client credentials', () => {
  it('returns a one-hour Bearer token when the client id and secret are right', async () => {
    await seed();
    const res = await tokenRequest(
      'grant_type=client_credentials',
      basic('demo-client', 'demo-client-secret'),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 3600,
    });
  });

  it('returns a token when the credentials come in the form body', async () => {
    await seed();
    const res = await tokenRequest(
      'grant_type=client_credentials&client_id=demo-client&client_secret=demo-client-secret',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
  });

  it('sends a notification without the backend header when the bearer token is valid', async () => {
    const demo = await seed();
    const token = await accessToken('demo-client', 'demo-client-secret');
    const res = await api(NOTIFICATIONS, {
      auth: `Bearer ${token}`,
      body: { message: 'From a server' },
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    expect((await asAdmin(demo, `${NOTIFICATIONS}/${id}`)).status).toBe(200);
  });

  it('returns 404 when a bearer token of another backend reads a notification', async () => {
    const demo = await seed();
    await seedSecond();
    const id = await createNotification(demo);
    const token = await accessToken('c2', 's2');
    const path = `${NOTIFICATIONS}/${id}`;
    await expectProblem(await api(path, { auth: `Bearer ${token}` }), 404, path);
  });

  it('returns 401 with WWW-Authenticate when the client secret is wrong', async () => {
    await seed();
    for (const auth of [basic('demo-client', 'wrong-secret'), basic('no-client', 'x')]) {
      const res = await tokenRequest('grant_type=client_credentials', auth);
      await expectProblem(res, 401, TOKEN);
      expect(res.headers.get('WWW-Authenticate')).toContain('Basic');
    }
  });

  it('returns 401 when the client credentials are missing or not base64', async () => {
    await seed();
    await expectProblem(await tokenRequest('grant_type=client_credentials'), 401, TOKEN);
    const garbled = await tokenRequest('grant_type=client_credentials', 'Basic %%%not-base64');
    await expectProblem(garbled, 401, TOKEN);
    const badEscape = await tokenRequest(
      'grant_type=client_credentials',
      `Basic ${btoa('demo-client:%E0%A4%A')}`,
    );
    await expectProblem(badEscape, 401, TOKEN);
  });

  it('returns 400 when the grant type is not client_credentials', async () => {
    await seed();
    const res = await tokenRequest(
      'grant_type=password',
      basic('demo-client', 'demo-client-secret'),
    );
    await expectProblem(res, 400, TOKEN);
  });

  it('returns 401 with WWW-Authenticate when the bearer token is not valid', async () => {
    const demo = await seed();
    const now = Math.floor(Date.now() / 1000);
    const good = { backend: demo.backendId };
    const unsigned = `${btoa('{"alg":"none","typ":"JWT"}').replace(/=+$/, '')}.${btoa(
      JSON.stringify({ ...good, iss: 'pushgate', exp: now + 3600 }),
    ).replace(/=+$/, '')}.`;
    const candidates = [
      'garbage',
      '',
      unsigned,
      await craftedToken(env.TOKEN_SIGNING_KEY, good, now - 60),
      await craftedToken('some-other-signing-key', good, now + 3600),
      await craftedToken(env.TOKEN_SIGNING_KEY, {}, now + 3600),
    ];
    for (const token of candidates) {
      const res = await api(NOTIFICATIONS, { auth: `Bearer ${token}`, body: { message: 'x' } });
      await expectProblem(res, 401, NOTIFICATIONS);
      expect(res.headers.get('WWW-Authenticate')).toContain('Bearer');
    }
    // The same shape signed with the right key is accepted, so the refusals above are real.
    const valid = await craftedToken(env.TOKEN_SIGNING_KEY, good, now + 3600);
    const ok = await api(NOTIFICATIONS, { auth: `Bearer ${valid}`, body: { message: 'x' } });
    expect(ok.status).toBe(201);
  });
});

describe('methods', () => {
  it('answers 405 with Allow when a known path is asked with another method', async () => {
    const demo = await seed();
    const cases: [string, string, string][] = [
      ['GET', `${DEVICES}/register`, 'POST'],
      ['PUT', `${DEVICES}/deregister`, 'POST'],
      ['PATCH', NOTIFICATIONS, 'GET, POST'],
      ['PUT', `${NOTIFICATIONS}/1`, 'GET, DELETE'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await asAdmin(demo, path, { method });
      await expectProblem(res, 405, path);
      expect(res.headers.get('Allow')).toBe(allow);
    }
    const token = await api('/oauth2/v1/token');
    expect(token.status).toBe(405);
  });
});

describe('notification ids', () => {
  it('answers 404 for a GET of an id that is not a number', async () => {
    const demo = await seed();
    for (const id of ['abc', '-1', '1.5']) {
      const path = `${NOTIFICATIONS}/${id}`;
      await expectProblem(await asAdmin(demo, path), 404, path);
    }
  });
});
