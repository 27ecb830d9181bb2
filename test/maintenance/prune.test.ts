/** The daily registry prune: stale devices go in pages, fresh ones stay, every backend alike. */
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { maxAgeDays, pruneStaleDevices, runScheduledPrune } from '../../src/maintenance/prune';
import { resetDatabase, seedSecond } from '../admin/fixtures';
import { asAdmin, DEVICES, seed } from '../helpers';

beforeEach(resetDatabase);

const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2026, 11, 1, 3, 17);
const CRON = '17 3 * * *';

/** Inserts `n` FCM devices `<prefix>-1` … `<prefix>-n` last registered at `modifiedOn`. */
async function addDevices(backendId: string, prefix: string, n: number, modifiedOn: number) {
  await env.DB.prepare(
    `INSERT INTO devices (id, backend_id, client_id, provider, token, platform, user, app_version,
       created_on, modified_on)
     WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1)
     SELECT ?2 || '-' || i, ?3, ?4, 'FCM', ?2 || '-' || i, 'ANDROID', NULL, '1.0', ?5, ?5 FROM seq`,
  )
    .bind(n, prefix, backendId, `client-android-${backendId}`, modifiedOn)
    .run();
}

/** The ids of the backend's devices, sorted. */
async function deviceIds(backendId: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    'SELECT id FROM devices WHERE backend_id = ? ORDER BY id',
  )
    .bind(backendId)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

async function deviceCount(): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM devices').first<{ n: number }>();
  return row?.n ?? 0;
}

const names = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

describe('scheduled handler of the Worker', () => {
  it('removes every device older than 60 days over several pages and keeps the rest when the cron fires', async () => {
    const demo = await seed();
    const second = await seedSecond();
    await addDevices(demo.backendId, 'stale', 1_201, NOW - 61 * DAY);
    await addDevices(second.backendId, 'old', 300, NOW - 60 * DAY - 1);
    await addDevices(demo.backendId, 'edge', 3, NOW - 60 * DAY);
    await addDevices(second.backendId, 'recent', 2, NOW - 59 * DAY);
    const res = await asAdmin(demo, `${DEVICES}/register`, {
      body: {
        mobileClient: { id: 'com.example.shop', version: '1.0', platform: 'ANDROID' },
        notificationToken: 'fresh-token',
      },
    });
    const { id: registered } = (await res.json()) as { id: string };
    expect(await deviceCount()).toBe(1_201 + 300 + 3 + 2 + 1);

    await worker.scheduled(createScheduledController({ scheduledTime: NOW, cron: CRON }), env);

    expect(await deviceIds(demo.backendId)).toEqual([...names('edge', 3), registered].sort());
    expect(await deviceIds(second.backendId)).toEqual(names('recent', 2));
  });

  it('forgets delivery log rows older than 7 days and keeps newer ones when the cron fires', async () => {
    const log = env.DB.prepare(
      `INSERT INTO deliveries (notification_id, device_id, attempt, outcome, recorded_on)
       VALUES (?, ?, 1, '{"kind":"accepted"}', ?)`,
    );
    await env.DB.batch([
      log.bind(1, 'old-a', NOW - 8 * DAY),
      log.bind(1, 'old-b', NOW - 7 * DAY - 1),
      log.bind(2, 'new-a', NOW - 6 * DAY),
    ]);
    await worker.scheduled(createScheduledController({ scheduledTime: NOW, cron: CRON }), env);
    const { results } = await env.DB.prepare(
      'SELECT device_id FROM deliveries ORDER BY device_id',
    ).all<{ device_id: string }>();
    expect(results.map((r) => r.device_id)).toEqual(['new-a']);
  });

  it('reads DEVICE_MAX_AGE_DAYS from wrangler.toml as 60', () => {
    expect(env.DEVICE_MAX_AGE_DAYS).toBe('60');
  });
});

describe('runScheduledPrune', () => {
  it('removes devices by the configured age when DEVICE_MAX_AGE_DAYS is set', async () => {
    const demo = await seed();
    await addDevices(demo.backendId, 'week-old', 4, NOW - 8 * DAY);
    await addDevices(demo.backendId, 'days-old', 2, NOW - 6 * DAY);
    const controller = createScheduledController({ scheduledTime: NOW, cron: CRON });
    await runScheduledPrune(controller, { ...env, DEVICE_MAX_AGE_DAYS: '7' });
    expect(await deviceIds(demo.backendId)).toEqual(names('days-old', 2));
  });

  it('throws and removes nothing when DEVICE_MAX_AGE_DAYS is not a whole number of days', async () => {
    const demo = await seed();
    await addDevices(demo.backendId, 'old', 3, NOW - 400 * DAY);
    const controller = createScheduledController({ scheduledTime: NOW, cron: CRON });
    for (const value of ['0', '-5', '1.5', 'sixty', '99999999']) {
      await expect(
        runScheduledPrune(controller, { ...env, DEVICE_MAX_AGE_DAYS: value }),
        value,
      ).rejects.toThrow('DEVICE_MAX_AGE_DAYS must be a whole number of days >= 1.');
    }
    expect(await deviceCount()).toBe(3);
  });
});

describe('pruneStaleDevices', () => {
  it('counts exactly what it removed and reports the rest when the page budget runs out', async () => {
    const demo = await seed();
    await addDevices(demo.backendId, 'stale', 350, NOW - 90 * DAY);
    await addDevices(demo.backendId, 'fresh', 7, NOW - DAY);
    const db = drizzle(env.DB);
    const limits = { pageSize: 100, maxPages: 3 };

    expect(await pruneStaleDevices(db, NOW, 60, limits)).toEqual({ removed: 300, hasMore: true });
    expect(await deviceCount()).toBe(57);
    expect(await pruneStaleDevices(db, NOW, 60, limits)).toEqual({ removed: 50, hasMore: false });
    expect(await pruneStaleDevices(db, NOW, 60, limits)).toEqual({ removed: 0, hasMore: false });
    expect(await deviceIds(demo.backendId)).toEqual(names('fresh', 7).sort());
  });

  it('reports nothing left when the last full page removed the last stale device', async () => {
    const demo = await seed();
    await addDevices(demo.backendId, 'stale', 300, NOW - 90 * DAY);
    const result = await pruneStaleDevices(drizzle(env.DB), NOW, 60, {
      pageSize: 100,
      maxPages: 3,
    });
    expect(result).toEqual({ removed: 300, hasMore: false });
    expect(await deviceCount()).toBe(0);
  });
});

describe('maxAgeDays', () => {
  it('returns 60 when the variable is unset or empty, else its whole days', () => {
    expect(maxAgeDays(undefined)).toBe(60);
    expect(maxAgeDays('')).toBe(60);
    expect(maxAgeDays(' 30 ')).toBe(30);
    expect(maxAgeDays('36500')).toBe(36_500);
    expect(() => maxAgeDays('36501')).toThrow();
  });
});
