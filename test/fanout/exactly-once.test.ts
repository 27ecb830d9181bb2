/** No device gets the same notification twice, whatever fails between the queue and APNs. */
import { runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CHUNK, deliverBatch } from '../../src/fanout/deliver';
import { CLAIM_LEASE_MS, ClaimedElsewhere } from '../../src/fanout/delivery-log';
import type { ParsedDeliveryBatch } from '../../src/fanout/messages';
import { BATCH_DEVICES } from '../../src/fanout/plan';
import { composeFor } from '../../src/payload/compose';
import {
  asAdmin,
  type Demo,
  hexToken,
  NOTIFICATIONS,
  register,
  sandboxRequests,
  seed,
  waitForFinal,
} from '../helpers';

/** A Scheduled notification (so nothing sends it yet) and a delivery batch of its devices. */
async function pendingBatch(demo: Demo, count: number) {
  const user = `once-${crypto.randomUUID().slice(0, 8)}`;
  const tokens = Array.from({ length: count }, () => hexToken('c'));
  await register(demo, ...tokens.map((token) => ({ platform: 'IOS', token, user })));
  const sendOn = new Date(Date.now() + 3_600_000).toISOString();
  const res = await asAdmin(demo, NOTIFICATIONS, {
    body: { message: 'once', users: [user], sendOn },
  });
  const { id } = (await res.json()) as { id: number };

  const rows = await env.DB.prepare('SELECT id, token FROM devices WHERE user = ? ORDER BY id')
    .bind(user)
    .all<{ id: string; token: string }>();
  const composed = composeFor('APNS', { message: 'once' });
  if (!composed.ok) throw new Error(composed.reason);
  const batch: ParsedDeliveryBatch = {
    notificationId: id,
    backendId: demo.backendId,
    batchId: 0,
    profileId: `profile-apns-${demo.backendId}`,
    profileVersion: 0,
    payload: composed.payload,
    devices: rows.results.map((r) => ({ id: r.id, token: r.token, platform: 'IOS' as const })),
    attempt: 1,
  };
  return { id, tokens, batch };
}

/** An env whose D1 fails right after the `n`-th write to the delivery log has been stored. */
function dyingAfterLogWrite(n: number): Env {
  let writes = 0;
  const logs = new WeakSet<D1PreparedStatement>();
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (query: string) => {
          const statement = target.prepare(query);
          if (!/INSERT INTO deliveries[\s\S]*json_extract\(value, '\$\[1\]'\)/.test(query)) {
            return statement;
          }
          const tagged = new Proxy(statement, {
            get(inner, key) {
              if (key !== 'bind') return Reflect.get(inner, key).bind(inner);
              return (...values: unknown[]) => {
                const bound = inner.bind(...values);
                logs.add(bound);
                return bound;
              };
            },
          });
          return tagged;
        };
      }
      if (prop === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements);
          if (statements.some((s) => logs.has(s)) && ++writes === n) {
            throw new Error('the consumer died');
          }
          return results;
        };
      }
      return Reflect.get(target, prop).bind(target);
    },
  });
  return { ...env, DB: db };
}

/** Ages every pending claim of `notificationId` past its lease, as time passing would. */
async function expireClaims(notificationId: number): Promise<void> {
  await env.DB.prepare(
    `UPDATE deliveries SET recorded_on = recorded_on - ${CLAIM_LEASE_MS + 1000}
     WHERE notification_id = ? AND outcome = '{"kind":"pending"}'`,
  )
    .bind(notificationId)
    .run();
}

async function requestsPerToken(tokens: string[]): Promise<number[]> {
  return Promise.all(tokens.map(async (t) => (await sandboxRequests(t, 'APNS')).length));
}

describe('exactly one push per device per notification', () => {
  it('sends only the rest when the consumer died after one chunk of a batch', async () => {
    const demo = await seed();
    const { id, tokens, batch } = await pendingBatch(demo, CHUNK + 6);

    // It dies right after logging the first chunk, in the round trip that claims the second.
    const crash = await deliverBatch(dyingAfterLogWrite(1), batch).catch((e: Error) => e);
    expect((crash as Error).message).toBe('the consumer died');
    const afterCrash = await requestsPerToken(tokens);
    expect(afterCrash.filter((n) => n === 1)).toHaveLength(CHUNK);
    expect(afterCrash.filter((n) => n === 0)).toHaveLength(6);

    // The dead consumer had claimed the next chunk: a redelivery waits for that lease...
    const early = await deliverBatch(env, batch).catch((e: Error) => e);
    expect(early).toBeInstanceOf(ClaimedElsewhere);
    expect(await requestsPerToken(tokens)).toEqual(afterCrash);

    // ...and once it ran out, sends only the rest.
    await expireClaims(id);
    await deliverBatch(env, batch);
    expect(await requestsPerToken(tokens)).toEqual(tokens.map(() => 1));
  });

  it('logs a full batch in one statement per chunk, then a redelivery sends nothing', async () => {
    const demo = await seed();
    const { id, tokens, batch } = await pendingBatch(demo, BATCH_DEVICES);

    await deliverBatch(env, batch);
    await deliverBatch(env, batch);

    expect(await requestsPerToken(tokens)).toEqual(tokens.map(() => 1));
    const logged = await env.DB.prepare(
      `SELECT json_extract(outcome, '$.kind') AS kind, COUNT(*) AS n FROM deliveries
       WHERE notification_id = ? GROUP BY kind`,
    )
      .bind(id)
      .all<{ kind: string; n: number }>();
    expect(logged.results).toEqual([{ kind: 'accepted', n: BATCH_DEVICES }]);
  });

  it('sends nothing when the same batch is delivered twice', async () => {
    const demo = await seed();
    const { id, tokens, batch } = await pendingBatch(demo, 8);
    // Two copies at once: each sends only what it claimed; one may have to come back later.
    const copies = await Promise.allSettled([deliverBatch(env, batch), deliverBatch(env, batch)]);
    expect(copies.some((copy) => copy.status === 'fulfilled')).toBe(true);
    await deliverBatch(env, batch);
    expect(await requestsPerToken(tokens)).toEqual(tokens.map(() => 1));
    const row = await env.DB.prepare('SELECT success_count FROM notifications WHERE id = ?')
      .bind(id)
      .first<{ success_count: number }>();
    expect(row?.success_count).toBe(8);
  });

  it('waits for a live claim and takes over one whose lease ran out', async () => {
    const demo = await seed();
    const { id, batch } = await pendingBatch(demo, 2);
    const [live, stale] = batch.devices;
    const claimOf = (deviceId: string, at: number) =>
      env.DB.prepare(
        `INSERT INTO deliveries (notification_id, device_id, attempt, outcome, recorded_on)
         VALUES (?, ?, 1, '{"kind":"pending"}', ?)`,
      )
        .bind(id, deviceId, at)
        .run();
    await claimOf(live?.id ?? '', Date.now());
    await claimOf(stale?.id ?? '', Date.now() - 61_000);

    const waiting = await deliverBatch(env, batch).catch((e: Error) => e);
    expect(waiting).toBeInstanceOf(ClaimedElsewhere);
    expect(await requestsPerToken([live?.token ?? '', stale?.token ?? ''])).toEqual([0, 1]);
  });

  it("forgets a send's log once its final status is written", async () => {
    const demo = await seed();
    const user = `forget-${crypto.randomUUID().slice(0, 8)}`;
    const tokens = Array.from({ length: 3 }, () => hexToken('f'));
    await register(demo, ...tokens.map((token) => ({ platform: 'IOS', token, user })));
    const res = await asAdmin(demo, NOTIFICATIONS, { body: { message: 'forget', users: [user] } });
    const { id } = (await res.json()) as { id: number };

    const final = await waitForFinal(demo, id);
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 3, successCount: 3 });
    const rows = async () =>
      (
        await env.DB.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE notification_id = ?')
          .bind(id)
          .first<{ n: number }>()
      )?.n;
    // Removed right after the final write, in the background.
    const deadline = Date.now() + 10_000;
    while ((await rows()) !== 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await rows()).toBe(0);
    expect(await requestsPerToken(tokens)).toEqual([1, 1, 1]);
  });

  it('sends once when the alarm fires twice', async () => {
    const demo = await seed();
    const user = `alarm-${crypto.randomUUID().slice(0, 8)}`;
    const tokens = Array.from({ length: 5 }, () => hexToken('e'));
    await register(demo, ...tokens.map((token) => ({ platform: 'IOS', token, user })));
    const sendOn = new Date(Date.now() + 1_000).toISOString();
    const res = await asAdmin(demo, NOTIFICATIONS, {
      body: { message: 'alarm', users: [user], sendOn },
    });
    const { id } = (await res.json()) as { id: number };

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const coordinator = env.COORDINATOR.get(env.COORDINATOR.idFromName(demo.backendId));
    await Promise.all([runDurableObjectAlarm(coordinator), runDurableObjectAlarm(coordinator)]);
    await runDurableObjectAlarm(coordinator);

    const final = await waitForFinal(demo, id);
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 5, successCount: 5 });
    expect(await requestsPerToken(tokens)).toEqual(tokens.map(() => 1));
  });
});
