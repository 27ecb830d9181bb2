import { describe, expect, it } from 'vitest';
import {
  asAdmin,
  DEVICES,
  hexToken,
  NOTIFICATIONS,
  sandboxRequests,
  seed,
  waitForFinal,
} from '../helpers';

describe('sending to everyone', () => {
  it('ends Sent with exact counts when every device accepts', async () => {
    const demo = await seed();
    const token = crypto.randomUUID();
    const reg = await asAdmin(demo, `${DEVICES}/register`, {
      body: {
        mobileClient: { id: 'com.example.shop', version: '1.0', platform: 'IOS' },
        notificationProvider: 'APNS',
        notificationToken: token,
        user: 'pat',
      },
    });
    expect(reg.status).toBe(201);
    expect(reg.headers.get('Content-Type')).toBe('application/json; charset=UTF-8');

    const post = await asAdmin(demo, NOTIFICATIONS, {
      body: { message: 'Hi! Our storewide sale is tomorrow.' },
    });
    expect(post.status).toBe(201);
    const created = (await post.json()) as { id: number; status: string };
    expect(created.status).toBe('New');

    const final = await waitForFinal(demo, created.id);
    expect(final).toMatchObject({
      status: 'Sent',
      deviceCount: 1,
      successCount: 1,
      platformCounts: [{ platform: 'IOS', deviceCount: 1, successCount: 1 }],
    });

    const records = await sandboxRequests(token, 'APNS');
    expect(records).toHaveLength(1);
    expect(records[0]?.status).toBe(200);
    expect(JSON.parse(records[0]?.body ?? '')).toEqual({
      aps: { alert: 'Hi! Our storewide sale is tomorrow.' },
    });
    expect(records[0]?.headers['apns-topic']).toBe('com.example.shop');
  });

  it('removes a dead APNs device and ends Error when it was the only one', async () => {
    const demo = await seed();
    const token = hexToken('dead');
    await asAdmin(demo, `${DEVICES}/register`, {
      body: {
        mobileClient: { id: 'com.example.shop', version: '1.0', platform: 'IOS' },
        notificationToken: token,
      },
    });
    const post = await asAdmin(demo, NOTIFICATIONS, {
      body: { message: 'Hello', notificationTokens: [token] },
    });
    const { id } = (await post.json()) as { id: number };
    const final = await waitForFinal(demo, id);
    expect(final).toMatchObject({ status: 'Error', deviceCount: 1, successCount: 0 });
    expect(String(final.errorMessage)).toContain('Unregistered');
  });
});
