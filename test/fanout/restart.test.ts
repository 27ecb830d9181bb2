/** A restart of the backend's coordinator loses and repeats nothing: its state is in storage. */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Demo } from '../helpers';
import {
  asAdmin,
  hexToken,
  NOTIFICATIONS,
  register,
  sandboxRequests,
  seed,
  waitForFinal,
} from '../helpers';

/** Resets the coordinator: the next call or alarm gets a new instance built from storage. */
async function restart(demo: Demo): Promise<void> {
  const stub = env.COORDINATOR.get(env.COORDINATOR.idFromName(demo.backendId));
  await runInDurableObject(stub, (_instance, state) => {
    state.abort('restart for the test');
  }).catch(() => undefined);
}

async function devicesOf(demo: Demo, count: number, prefix: string) {
  const user = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  const tokens = Array.from({ length: count }, () => hexToken(prefix === 'r1' ? '1' : '2'));
  await register(demo, ...tokens.map((token) => ({ platform: 'IOS', token, user })));
  return { user, tokens };
}

async function perToken(tokens: string[]): Promise<number[]> {
  return Promise.all(tokens.map(async (t) => (await sandboxRequests(t, 'APNS')).length));
}

describe('coordinator restart', () => {
  it('still fires a scheduled send after a restart, once', async () => {
    const demo = await seed();
    const { user, tokens } = await devicesOf(demo, 5, 'r1');
    const sendOn = new Date(Date.now() + 1_500).toISOString();
    const res = await asAdmin(demo, NOTIFICATIONS, {
      body: { message: 'r', users: [user], sendOn },
    });
    const { id } = (await res.json()) as { id: number };
    await restart(demo);

    const final = await waitForFinal(demo, id);
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 5, successCount: 5 });
    expect(await perToken(tokens)).toEqual(tokens.map(() => 1));
  });

  it('finishes a send it was in the middle of after a restart, once per device', async () => {
    const demo = await seed();
    const { user, tokens } = await devicesOf(demo, 150, 'r2');
    const res = await asAdmin(demo, NOTIFICATIONS, { body: { message: 'r', users: [user] } });
    const { id } = (await res.json()) as { id: number };
    let before = 'New';
    for (let i = 0; i < 100 && before === 'New'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const now = (await (await asAdmin(demo, `${NOTIFICATIONS}/${id}`)).json()) as {
        status: string;
      };
      before = now.status;
    }
    await restart(demo);
    expect(before).toBe('Sending');

    const final = await waitForFinal(demo, id);
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 150, successCount: 150 });
    expect(await perToken(tokens)).toEqual(tokens.map(() => 1));
  });
});
