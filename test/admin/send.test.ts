/** Profiles saved through the administration API are what the send path delivers with. */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type Demo,
  hexToken,
  randomDigits,
  register,
  sandboxRequests,
  seed,
  sendAndWait,
} from '../helpers';
import { asAdministrator, json, resetDatabase } from './fixtures';

const DEMO = '7d0c5c36-3a2b-4c8e-9d7e-5e1f0a6b9c01';
const BACKEND = `/backends/${DEMO}`;

beforeEach(resetDatabase);

/** Unlinks the demo profile of `provider` from the `platform` client and links a new one. */
async function replaceProfile(
  demo: Demo,
  platform: string,
  body: { provider: string; [field: string]: unknown },
) {
  const clientId = `client-${platform}-${DEMO}`;
  const demoProfile = `profile-${body.provider.toLowerCase()}-${DEMO}`;
  const unlink = `${BACKEND}/clients/${clientId}/profiles/${demoProfile}`;
  expect((await asAdministrator(demo, unlink, { method: 'DELETE' })).status).toBe(204);
  const created = await asAdministrator(demo, `${BACKEND}/profiles`, { body });
  const { id } = await json<{ id: string }>(created, 201);
  const link = await asAdministrator(demo, `${BACKEND}/clients/${clientId}/profiles/${id}`, {
    method: 'PUT',
  });
  expect(link.status).toBe(201);
  return id;
}

describe('profiles saved through the administration API', () => {
  it('deliver through APNs, FCM and WNS when created with the sandbox credentials', async () => {
    const demo = await seed();
    const { apns, fcm, wns } = env.SANDBOX_CREDENTIALS;
    await replaceProfile(demo, 'ios', {
      name: 'apns-api',
      provider: 'APNS',
      credentials: {
        teamId: apns.teamId,
        keyId: apns.keyId,
        privateKey: apns.privateKeyPem,
        bundleId: apns.bundleId,
        environment: 'development',
      },
    });
    await replaceProfile(demo, 'android', {
      name: 'fcm-api',
      provider: 'FCM',
      credentials: {
        packageName: 'com.example.shop',
        serviceAccount: JSON.stringify({
          type: 'service_account',
          project_id: fcm.projectId,
          private_key_id: fcm.privateKeyId,
          private_key: fcm.privateKeyPem,
          client_email: fcm.clientEmail,
        }),
      },
    });
    await replaceProfile(demo, 'windows', {
      name: 'wns-api',
      provider: 'WNS',
      credentials: {
        appId: 'com.example.shop',
        flow: 'entra',
        tenantId: wns.tenantId,
        clientId: wns.clientId,
        clientSecret: wns.clientSecret,
      },
    });

    const run = crypto.randomUUID().slice(0, 8);
    const user = `api-${run}`;
    const apnsToken = hexToken('a9');
    const fcmToken = `fcm-api-${run}`;
    const wnsToken = `${env.SANDBOX_URL}/wns/?token=api-${run}`;
    await register(
      demo,
      { platform: 'IOS', token: apnsToken, user },
      { platform: 'ANDROID', token: fcmToken, user },
      { platform: 'WINDOWS', token: wnsToken, user },
    );
    const final = await sendAndWait(demo, { message: 'From API profiles', users: [user] });
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 3, successCount: 3 });
    expect((await sandboxRequests(apnsToken, 'APNS')).map((r) => r.status)).toEqual([200]);
    expect((await sandboxRequests(fcmToken, 'FCM')).map((r) => r.status)).toEqual([200]);
    expect((await sandboxRequests(`api-${run}`, 'WNS')).map((r) => r.status)).toEqual([200]);
  });

  it('sends consent_requirement OPT_IN only when consent management is on', async () => {
    const demo = await seed();
    const { syniverse } = env.SANDBOX_CREDENTIALS;
    const credentials = { appToken: syniverse.appToken, senderId: syniverse.senderId };
    const id = await replaceProfile(demo, 'android', {
      name: 'sms-api',
      provider: 'SYNIVERSE',
      credentials: { ...credentials, consentManagement: true },
    });
    const phone = `+1415${randomDigits(7)}`;
    await register(demo, { platform: 'ANDROID', token: phone, provider: 'SYNIVERSE' });

    const on = await sendAndWait(demo, { message: 'Opted in?', notificationTokens: [phone] });
    expect(on).toMatchObject({ status: 'Sent', successCount: 1 });
    const [first] = await sandboxRequests(phone, 'SYNIVERSE');
    expect(JSON.parse(first?.body ?? '')).toMatchObject({
      from: `sender_id:${syniverse.senderId}`,
      to: [phone],
      consent_requirement: 'OPT_IN',
    });

    const off = await asAdministrator(demo, `${BACKEND}/profiles/${id}`, {
      method: 'PATCH',
      body: { credentials: { ...credentials, consentManagement: false } },
    });
    expect(off.status).toBe(200);
    await sendAndWait(demo, { message: 'No consent check', notificationTokens: [phone] });
    const requests = await sandboxRequests(phone, 'SYNIVERSE');
    expect(requests).toHaveLength(2);
    expect(JSON.parse(requests[1]?.body ?? '')).not.toHaveProperty('consent_requirement');
  });
});
