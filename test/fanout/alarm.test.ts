/** The coordinator's alarm: time order, and nothing lost or repeated when it throws midway. */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { BackendCoordinator } from '../../src/fanout/coordinator';
import {
  asAdmin,
  hexToken,
  NOTIFICATIONS,
  programAnswers,
  register,
  sandboxRequests,
  seed,
  waitForFinal,
} from '../helpers';

type Swappable = { env: Env };

describe('coordinator alarm', () => {
  it('loses and repeats nothing when alarm() throws midway and runs again', async () => {
    const demo = await seed();
    const user = `throw-${crypto.randomUUID().slice(0, 8)}`;
    const tokens = Array.from({ length: 5 }, () => hexToken('f'));
    await register(demo, ...tokens.map((token) => ({ platform: 'IOS', token, user })));
    const sendOn = new Date(Date.now() + 3_600_000).toISOString();
    const res = await asAdmin(demo, NOTIFICATIONS, {
      body: { message: 'x', users: [user], sendOn },
    });
    const { id } = (await res.json()) as { id: number };

    const stub = env.COORDINATOR.get(env.COORDINATOR.idFromName(demo.backendId));
    const thrown = await runInDurableObject(stub, async (instance: BackendCoordinator) => {
      const swappable = instance as unknown as Swappable;
      const real = swappable.env;
      let reads = 0;
      const db = new Proxy(real.DB, {
        get(target, prop) {
          if (prop !== 'prepare') return Reflect.get(target, prop).bind(target);
          return (query: string) => {
            if (/from "devices"/i.test(query) && reads++ === 0) throw new Error('D1 went away');
            return target.prepare(query);
          };
        },
      });
      // Make the send due now, then let the device read fail once inside alarm().
      await instance.cancel(id);
      swappable.env = { ...real, DB: db };
      await instance.submit(id, Date.now());
      const error = await instance.alarm().catch((e: Error) => e);
      swappable.env = real;
      await instance.alarm();
      return error;
    });
    expect(thrown).toBeInstanceOf(Error);

    const final = await waitForFinal(demo, id);
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 5, successCount: 5 });
    const counts = await Promise.all(tokens.map(async (t) => (await sandboxRequests(t)).length));
    expect(counts).toEqual([1, 1, 1, 1, 1]);
  });

  it('fires schedules sharing one alarm in sendOn order', async () => {
    const demo = await seed();
    const user = `order-${crypto.randomUUID().slice(0, 8)}`;
    const token = hexToken('d');
    await register(demo, { platform: 'IOS', token, user });
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const ids: number[] = [];
    for (const [message, delay] of [
      ['third', 2_600],
      ['first', 1_000],
      ['second', 1_800],
    ] as const) {
      const res = await asAdmin(demo, NOTIFICATIONS, {
        body: { message, users: [user], sendOn: at(delay) },
      });
      ids.push(((await res.json()) as { id: number }).id);
    }
    for (const id of ids) await waitForFinal(demo, id);
    const received = (await sandboxRequests(token, 'APNS')).map(
      (r) => JSON.parse(r.body).aps.alert,
    );
    expect(received).toEqual(['first', 'second', 'third']);
  });
});

describe('progress while Sending', () => {
  it('shows the counts so far while one batch waits for Retry-After, then the exact final ones', async () => {
    const demo = await seed();
    const user = `progress-${crypto.randomUUID().slice(0, 8)}`;
    const fcm = `fcm-progress-${crypto.randomUUID().slice(0, 8)}`;
    await programAnswers('FCM', fcm, [
      {
        status: 503,
        headers: { 'Retry-After': '4' },
        body: { error: { code: 503, status: 'UNAVAILABLE' } },
      },
    ]);
    await register(
      demo,
      { platform: 'IOS', token: hexToken('9'), user },
      { platform: 'ANDROID', token: fcm, user },
    );
    const res = await asAdmin(demo, NOTIFICATIONS, { body: { message: 'x', users: [user] } });
    const { id } = (await res.json()) as { id: number };

    let seen: Record<string, unknown> = {};
    const deadline = Date.now() + 3_500;
    while (Date.now() < deadline && seen.successCount !== 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      seen = (await (await asAdmin(demo, `${NOTIFICATIONS}/${id}`)).json()) as Record<
        string,
        unknown
      >;
    }
    expect(seen).toMatchObject({ status: 'Sending', deviceCount: 2, successCount: 1 });
    expect(seen.processedOn).toBeUndefined();
    const final = await waitForFinal(demo, id);
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 2, successCount: 2 });
    expect(typeof final.processedOn).toBe('string');
  });
});
