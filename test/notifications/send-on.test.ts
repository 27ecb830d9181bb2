import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { notifications } from '../../src/db/schema';
import { formatTimestamp } from '../../src/http/time';
import {
  MAX_AHEAD_MS,
  MAX_PAST_MS,
  parseSendOn,
  sendOnWindowError,
} from '../../src/notifications/send-on';
import { asAdmin, expectProblem, NOTIFICATIONS, seed } from '../helpers';

const DAY = 24 * 3600 * 1000;
const NO_ZONE = 'sendOn must be ISO 8601 with a time zone, e.g. 2030-06-15T06:00:00Z or +02:00.';

describe('parseSendOn', () => {
  it('converts to UTC when the time has an offset', () => {
    const parsed = parseSendOn('2030-01-01T09:00:00+02:00');
    expect(parsed).toEqual({ ok: true, at: Date.UTC(2030, 0, 1, 7) });
    if (parsed.ok) expect(formatTimestamp(parsed.at)).toBe('2030-01-01T07:00:00.000Z');
    expect(parseSendOn('2030-01-01T01:30-05:30')).toEqual({
      ok: true,
      at: Date.UTC(2030, 0, 1, 7),
    });
    expect(parseSendOn('2030-01-01T09:00+0200')).toEqual({ ok: true, at: Date.UTC(2030, 0, 1, 7) });
  });

  it('accepts the time when the hour has one digit', () => {
    expect(parseSendOn('2030-06-15T6:00Z')).toEqual({ ok: true, at: Date.UTC(2030, 5, 15, 6) });
    expect(parseSendOn('2015-06-15T6:00Z')).toEqual({ ok: true, at: Date.UTC(2015, 5, 15, 6) });
  });

  it('reads the same instant when seconds and fractions are left out or given', () => {
    const at = Date.UTC(2030, 5, 15, 6, 30);
    for (const text of ['2030-06-15T06:30Z', '2030-06-15T06:30:00Z', '2030-06-15T06:30:00.000Z']) {
      expect(parseSendOn(text), text).toEqual({ ok: true, at });
    }
    expect(parseSendOn('2030-06-15T06:30:05.25Z')).toEqual({ ok: true, at: at + 5_250 });
  });

  it('refuses the time when it has no zone', () => {
    for (const text of ['2030-06-15T06:00:00', '2030-06-15T6:00', '2030-06-15T06:00:00.000']) {
      expect(parseSendOn(text), text).toEqual({ ok: false, reason: NO_ZONE });
    }
  });

  it('refuses the time when it is not a real date and time or not ISO 8601', () => {
    for (const text of ['2030-02-30T06:00Z', '2030-06-15T24:00Z', '2030-06-15T06:60Z']) {
      expect(parseSendOn(text), text).toEqual({
        ok: false,
        reason: 'sendOn is not a real date and time.',
      });
    }
    for (const text of ['tomorrow', '2030-06-15', '15/06/2030 06:00Z', '']) {
      expect(parseSendOn(text), text).toEqual({ ok: false, reason: NO_ZONE });
    }
  });
});

describe('sendOnWindowError', () => {
  const now = Date.UTC(2030, 0, 1);

  it('accepts the time when it is at most 60 s past or 366 days ahead', () => {
    expect(MAX_PAST_MS).toBe(60_000);
    expect(MAX_AHEAD_MS).toBe(366 * DAY);
    for (const at of [now - 60_000, now, now + 366 * DAY]) {
      expect(sendOnWindowError(at, now)).toBeNull();
    }
  });

  it('refuses the time when it is more than 60 s in the past', () => {
    expect(sendOnWindowError(now - 60_001, now)).toBe(
      'sendOn is more than 60 seconds in the past.',
    );
  });

  it('refuses the time when it is more than 366 days ahead', () => {
    expect(sendOnWindowError(now + 366 * DAY + 1, now)).toBe('sendOn is more than 366 days ahead.');
  });
});

describe('POST notifications with sendOn', () => {
  it('stores and shows the UTC instant when sendOn has an offset', async () => {
    const demo = await seed();
    // 30 days ahead on a whole minute, written as the wall-clock time at +02:00.
    const at = Math.floor((Date.now() + 30 * DAY) / 60_000) * 60_000;
    const local = new Date(at + 2 * 3600_000).toISOString().slice(0, 19);
    const tag = `send-on-${crypto.randomUUID()}`;

    const res = await asAdmin(demo, NOTIFICATIONS, {
      body: { message: 'later', tag, users: [`nobody-${tag}`], sendOn: `${local}+02:00` },
    });
    const text = await res.clone().text();
    expect(res.status, text).toBe(201);
    const body = (await res.json()) as { id: number; status: string; sendOn: string };
    expect(body).toMatchObject({ status: 'Scheduled', sendOn: new Date(at).toISOString() });
    expect(body.sendOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);

    const [row] = await drizzle(env.DB)
      .select({ sendOn: notifications.sendOn, status: notifications.status })
      .from(notifications)
      .where(eq(notifications.id, body.id));
    expect(row).toEqual({ sendOn: at, status: 'Scheduled' });
    const read = await asAdmin(demo, `${NOTIFICATIONS}/${body.id}`);
    expect(((await read.json()) as { sendOn: string }).sendOn).toBe(body.sendOn);
  });

  it('returns 400 naming $.sendOn and stores nothing when sendOn is refused', async () => {
    const demo = await seed();
    const tag = `send-on-${crypto.randomUUID()}`;
    const past = new Date(Date.now() - 120_000).toISOString();
    const refusals: [string, string][] = [
      [past, 'sendOn is more than 60 seconds in the past.'],
      ['2030-06-15T06:00:00', NO_ZONE],
      [new Date(Date.now() + 367 * DAY).toISOString(), 'sendOn is more than 366 days ahead.'],
    ];
    for (const [sendOn, reason] of refusals) {
      const res = await asAdmin(demo, NOTIFICATIONS, {
        body: { message: 'never', tag, users: [`nobody-${tag}`], sendOn },
      });
      const problem = await expectProblem(res, 400, NOTIFICATIONS);
      expect(problem.detail).toBe(reason);
      expect(problem['o:errorDetails']).toEqual([
        { title: reason, 'o:errorCode': 'INVALID_FIELD', 'o:errorPath': '$.sendOn' },
      ]);
    }
    const stored = await drizzle(env.DB)
      .select({ id: notifications.id })
      .from(notifications)
      .where(eq(notifications.tag, tag));
    expect(stored).toEqual([]);
  });
});
