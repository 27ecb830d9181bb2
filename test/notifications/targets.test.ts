import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  asAdmin,
  expectProblem,
  hexToken,
  NOTIFICATIONS,
  register,
  sandboxRequests,
  seed,
  sendAndWait,
} from '../helpers';

describe('notification targets', () => {
  it('matches only devices that pass every given filter', async () => {
    const demo = await seed();
    const run = crypto.randomUUID().slice(0, 8);
    const ann = hexToken();
    const annAndroid = `fcm-ann-${run}`;
    const bob = hexToken();
    await register(
      demo,
      { platform: 'IOS', token: ann, user: `ann-${run}` },
      { platform: 'ANDROID', token: annAndroid, user: `ann-${run}` },
      { platform: 'IOS', token: bob, user: `bob-${run}` },
    );

    const byUser = await sendAndWait(demo, { message: 'u', users: [`ann-${run}`] });
    expect(byUser).toMatchObject({ status: 'Sent', deviceCount: 2, successCount: 2 });

    const userAndPlatform = await sendAndWait(demo, {
      message: 'up',
      users: [`ann-${run}`, `bob-${run}`],
      platform: 'IOS',
    });
    expect(userAndPlatform).toMatchObject({ deviceCount: 2, successCount: 2 });
    expect(userAndPlatform.platformCounts).toEqual([
      { platform: 'IOS', deviceCount: 2, successCount: 2 },
    ]);

    const tokenAndProvider = await sendAndWait(demo, {
      message: 'tp',
      notificationTokens: [ann.toUpperCase(), annAndroid],
      provider: 'GCM',
    });
    expect(tokenAndProvider).toMatchObject({ deviceCount: 1, provider: 'FCM' });

    const tokenAndUser = await sendAndWait(demo, {
      message: 'tu',
      notificationTokens: [ann, bob],
      users: [`bob-${run}`],
    });
    expect(tokenAndUser).toMatchObject({ deviceCount: 1, successCount: 1 });
    expect((await sandboxRequests(bob, 'APNS')).map((r) => JSON.parse(r.body).aps.alert)).toEqual([
      'up',
      'tu',
    ]);

    const nobody = await sendAndWait(demo, { message: 'n', users: [`nobody-${run}`] });
    expect(nobody).toMatchObject({ status: 'Error', deviceCount: 0, successCount: 0 });
    expect(nobody.errorMessage).toMatch(/No registered device matched/);
  });

  it('sends once to each of 1000 devices named by token', async () => {
    const demo = await seed();
    const run = crypto.randomUUID().slice(0, 6);
    const tokens = Array.from(
      { length: 1000 },
      (_, i) => `${run}${i.toString(16).padStart(4, '0')}`,
    );
    const now = Date.now();
    const insert = env.DB.prepare(
      `INSERT INTO devices (id, backend_id, client_id, provider, token, platform, user,
        app_version, created_on, modified_on) VALUES (?, ?, ?, 'APNS', ?, 'IOS', NULL, '1.0', ?, ?)`,
    );
    await env.DB.batch(
      tokens.map((t) =>
        insert.bind(
          crypto.randomUUID(),
          demo.backendId,
          `client-ios-${demo.backendId}`,
          t,
          now,
          now,
        ),
      ),
    );

    const final = await sendAndWait(demo, { message: 'thousand', notificationTokens: tokens });
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 1000, successCount: 1000 });

    const received = await sandboxRequests(`/3/device/${run}`, 'APNS');
    expect(received).toHaveLength(1000);
    expect(new Set(received.map((r) => r.path.split('/').pop())).size).toBe(1000);
    expect(received.every((r) => r.status === 200)).toBe(true);
  });

  it('ends Warning below the threshold and Sent at or above it', async () => {
    const demo = await seed();
    const run = crypto.randomUUID().slice(0, 8);
    const good = Array.from({ length: 3 }, () => hexToken());
    await register(
      demo,
      ...good.map((token) => ({ platform: 'IOS', token, user: `w-${run}` })),
      { platform: 'IOS', token: hexToken('fa11'), user: `w-${run}` },
      { platform: 'IOS', token: hexToken('fa11'), user: `w-${run}` },
    );
    const warning = await sendAndWait(demo, { message: 'w', users: [`w-${run}`] });
    expect(warning).toMatchObject({ status: 'Warning', deviceCount: 5, successCount: 3 });
    expect(warning.errorMessage).toMatch(/APNs 503/);

    await env.DB.prepare('UPDATE backends SET policies = ? WHERE id = ?')
      .bind(JSON.stringify({ Notifications_DeviceCountWarningThreshold: 60 }), demo.backendId)
      .run();
    const sent = await sendAndWait(demo, { message: 's', users: [`w-${run}`] });
    expect(sent).toMatchObject({ status: 'Sent', deviceCount: 5, successCount: 3 });
  });
});

describe('POST notifications validation', () => {
  it('refuses bad requests with the contract error body and stores nothing', async () => {
    const demo = await seed();
    const countBefore = await storedCount();
    const cases: [unknown, RegExp][] = [
      [{ users: ['x'] }, /message, template or payload/],
      [{ message: 'x', notificationTokens: [] }, /notificationTokens/],
      [{ message: 'x', notificationTokens: ['a', 'a'] }, /notificationTokens/],
      [
        { message: 'x', notificationTokens: Array.from({ length: 1001 }, (_, i) => `t${i}`) },
        /notificationTokens/,
      ],
      [{ message: 'x', platform: 'PALM' }, /platform/],
      [{ message: 'x', sendOn: '2030-01-01T09:00:00' }, /time zone/],
      [{ message: 'x', sendOn: '2001-01-01T09:00:00Z' }, /past/],
      [{ message: 'x', sendOn: '2099-01-01T09:00:00Z' }, /366 days/],
      [{ message: 'x'.repeat(1001), provider: 'SYNIVERSE' }, /SYNIVERSE payload is 1001 bytes/],
      [
        { message: '€'.repeat(1400), provider: 'APNS' },
        /APNS payload is \d+ bytes; the limit is 4096/,
      ],
    ];
    for (const [body, detail] of cases) {
      const res = await asAdmin(demo, NOTIFICATIONS, { body });
      const problem = await expectProblem(res, 400, NOTIFICATIONS);
      expect(`${problem.detail} ${JSON.stringify(problem['o:errorDetails'] ?? [])}`).toMatch(
        detail,
      );
    }
    expect(await storedCount()).toBe(countBefore);
  });

  it('accepts the trailing slash and answers 404 for an unknown id', async () => {
    const demo = await seed();
    const res = await asAdmin(demo, `${NOTIFICATIONS}/`, { body: { message: 'slash' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toMatch(
      /\/mobile\/system\/notifications\/notifications\/\d+$/,
    );
    await expectProblem(
      await asAdmin(demo, `${NOTIFICATIONS}/999999`),
      404,
      `${NOTIFICATIONS}/999999`,
    );
  });
});

async function storedCount(): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM notifications').first<{
    n: number;
  }>();
  return row?.n ?? 0;
}

describe('payload limits of providers without devices', () => {
  it('checks a long message against SMS only once the backend has SMS devices', async () => {
    const demo = await seed({
      backendId: 'backend-long',
      backendName: 'long',
      admin: { username: 'admin-long', password: 'password-long' },
      oauth: { clientId: 'client-long', clientSecret: 'secret-long' },
    });
    const long = { message: 'a'.repeat(1500) };
    await register(demo, { platform: 'IOS', token: hexToken() });
    expect((await asAdmin(demo, NOTIFICATIONS, { body: long })).status).toBe(201);

    await register(demo, { platform: 'ANDROID', token: '+14155550123', provider: 'SYNIVERSE' });
    const refused = await asAdmin(demo, NOTIFICATIONS, { body: long });
    const problem = await expectProblem(refused, 400, NOTIFICATIONS);
    expect(problem.detail).toMatch(/SYNIVERSE payload is 1500 bytes/);
  });
});
