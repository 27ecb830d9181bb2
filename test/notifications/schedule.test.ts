import { describe, expect, it } from 'vitest';
import { asAdmin, hexToken, NOTIFICATIONS, register, seed, waitForFinal } from '../helpers';

describe('a notification with sendOn', () => {
  it('waits as Scheduled and is sent by the alarm when sendOn comes', async () => {
    const demo = await seed();
    const user = `s-${crypto.randomUUID().slice(0, 8)}`;
    await register(demo, { platform: 'IOS', token: hexToken(), user });
    const sendOn = new Date(Date.now() + 2_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');

    const res = await asAdmin(demo, NOTIFICATIONS, {
      body: { message: 'later', users: [user], sendOn },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: number; status: string; sendOn: string };
    expect(created.status).toBe('Scheduled');
    expect(created.sendOn).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);

    const final = await waitForFinal(demo, created.id);
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 1, successCount: 1 });
    expect(Date.parse(String(final.processedOn))).toBeGreaterThanOrEqual(
      Date.parse(created.sendOn),
    );
  });
});
