import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hexToken, randomDigits, register, sandboxRequests, seed, sendAndWait } from '../helpers';

describe('a send through every provider', () => {
  it('reaches each provider in its own wire format when devices of all four are registered', async () => {
    const demo = await seed();
    const run = crypto.randomUUID().slice(0, 8);
    const apns = hexToken();
    const fcm = `fcm-${run}-token`;
    const wns = `${env.SANDBOX_URL}/wns/?token=ch-${run}`;
    const phone = `+1415${randomDigits(7)}`;
    const user = `all-${run}`;
    await register(
      demo,
      { platform: 'IOS', token: apns, user },
      { platform: 'ANDROID', token: fcm, user },
      { platform: 'WINDOWS', token: wns, user },
      { platform: 'ANDROID', token: phone, provider: 'SYNIVERSE', user },
    );

    const final = await sendAndWait(demo, { message: 'Sale <today> & tomorrow', users: [user] });
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 4, successCount: 4 });
    expect(final.platformCounts).toEqual([
      { platform: 'IOS', deviceCount: 1, successCount: 1 },
      { platform: 'ANDROID', deviceCount: 2, successCount: 2 },
      { platform: 'WINDOWS', deviceCount: 1, successCount: 1 },
    ]);

    const [apnsReq] = await sandboxRequests(apns, 'APNS');
    expect(apnsReq?.headers['apns-push-type']).toBe('alert');
    expect(apnsReq?.headers.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(JSON.parse(apnsReq?.body ?? '')).toEqual({ aps: { alert: 'Sale <today> & tomorrow' } });

    const [fcmReq] = await sandboxRequests(fcm, 'FCM');
    expect(fcmReq?.status).toBe(200);
    expect(fcmReq?.path).toBe(
      `/fcm/v1/projects/${env.SANDBOX_CREDENTIALS.fcm.projectId}/messages:send`,
    );
    expect(JSON.parse(fcmReq?.body ?? '')).toEqual({
      message: { notification: { body: 'Sale <today> & tomorrow' }, token: fcm },
    });

    const [wnsReq] = await sandboxRequests(`ch-${run}`, 'WNS');
    expect(wnsReq?.status).toBe(200);
    expect(wnsReq?.headers['x-wns-type']).toBe('wns/toast');
    expect(wnsReq?.body).toBe(
      '<toast><visual><binding template="ToastGeneric">' +
        '<text>Sale &lt;today&gt; &amp; tomorrow</text></binding></visual></toast>',
    );

    const [smsReq] = await sandboxRequests(phone, 'SYNIVERSE');
    expect(smsReq?.status).toBe(200);
    expect(JSON.parse(smsReq?.body ?? '')).toMatchObject({
      from: `sender_id:${env.SANDBOX_CREDENTIALS.syniverse.senderId}`,
      to: [phone],
      body: 'Sale <today> & tomorrow',
    });
  });

  it('removes every dead device and keeps failing ones when providers answer errors', async () => {
    const demo = await seed();
    const run = crypto.randomUUID().slice(0, 8);
    const user = `bad-${run}`;
    const dead = [
      { platform: 'IOS', token: hexToken('dead') },
      { platform: 'ANDROID', token: `dead-${run}` },
      { platform: 'WINDOWS', token: `${env.SANDBOX_URL}/wns/?token=dead${run}` },
      { platform: 'ANDROID', token: `+1415${randomDigits(3)}0199`, provider: 'SYNIVERSE' },
    ];
    const failing = [
      { platform: 'IOS', token: hexToken('fa11') },
      { platform: 'ANDROID', token: `fail-${run}` },
    ];
    await register(demo, ...[...dead, ...failing].map((d) => ({ ...d, user })));

    const final = await sendAndWait(demo, { message: 'x', users: [user] });
    expect(final).toMatchObject({ status: 'Error', deviceCount: 6, successCount: 0 });

    const rows = await env.DB.prepare('SELECT token FROM devices WHERE user = ?').bind(user).all();
    expect(rows.results.map((r) => r.token).sort()).toEqual(failing.map((d) => d.token).sort());
  });
});
