import { describe, expect, it } from 'vitest';
import {
  asAdmin,
  expectProblem,
  hexToken,
  NOTIFICATIONS,
  register,
  sandboxRequests,
  seed,
  waitForFinal,
} from '../helpers';

describe('DELETE notifications/{id}', () => {
  it('cancels a Scheduled notification, which never fires and is gone', async () => {
    const demo = await seed();
    const token = hexToken();
    const user = `c-${crypto.randomUUID().slice(0, 8)}`;
    await register(demo, { platform: 'IOS', token, user });
    const sendOn = new Date(Date.now() + 2_000).toISOString();
    const cancelled = await asAdmin(demo, NOTIFICATIONS, {
      body: { message: 'no', users: [user], sendOn },
    });
    const kept = await asAdmin(demo, NOTIFICATIONS, {
      body: { message: 'yes', users: [user], sendOn },
    });
    const { id } = (await cancelled.json()) as { id: number };
    const { id: keptId } = (await kept.json()) as { id: number };

    const res = await asAdmin(demo, `${NOTIFICATIONS}/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await asAdmin(demo, `${NOTIFICATIONS}/${id}`)).status).toBe(404);

    // The other schedule sharing the alarm still fires; the cancelled one never reaches APNs.
    expect(await waitForFinal(demo, keptId)).toMatchObject({ status: 'Sent', successCount: 1 });
    const bodies = (await sandboxRequests(token, 'APNS')).map((r) => JSON.parse(r.body).aps.alert);
    expect(bodies).toEqual(['yes']);
  });

  it('refuses with 400 when the notification is not Scheduled, and answers 204 for unknown ids', async () => {
    const demo = await seed();
    const res = await asAdmin(demo, NOTIFICATIONS, { body: { message: 'now', users: ['nobody'] } });
    const { id } = (await res.json()) as { id: number };
    await waitForFinal(demo, id);
    const path = `${NOTIFICATIONS}/${id}`;
    const refused = await asAdmin(demo, path, { method: 'DELETE' });
    const problem = await expectProblem(refused, 400, path);
    expect(problem.detail).toMatch(/only a Scheduled one can be cancelled/);
    expect((await asAdmin(demo, path)).status).toBe(200);
    expect((await asAdmin(demo, `${NOTIFICATIONS}/987654`, { method: 'DELETE' })).status).toBe(204);
  });
});
