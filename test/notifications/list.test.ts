import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { notifications } from '../../src/db/schema';
import {
  asAdmin,
  type Demo,
  errorPaths,
  expectProblem,
  NOTIFICATIONS,
  ORIGIN,
  seed,
} from '../helpers';

type Page = {
  items: { id: number; tag?: string }[];
  hasMore: boolean;
  limit: number;
  offset: number;
  count: number;
  totalResults: number;
  links: { rel: string; href: string }[];
};

const T = Date.parse('2026-01-01T00:00:00.000Z');
const MINUTE = 60_000;

/** A backend of its own, so the filters see only this test's notifications. */
async function ownBackend(): Promise<Demo> {
  const id = crypto.randomUUID();
  const short = id.slice(0, 8);
  return seed({
    backendId: id,
    backendName: `list-${short}`,
    admin: { username: `list-admin-${short}`, password: 'list-admin-password' },
    anonymousSecret: `anonymous-${id}`,
    oauth: { clientId: `list-client-${short}`, clientSecret: 'list-client-secret' },
  });
}

type Stored = {
  status?: (typeof notifications.status.enumValues)[number];
  tag?: string;
  platform?: string;
  createdOn?: number;
  processedOn?: number;
  sendOn?: number;
};

/** Stores a notification row as the API would have, returning its id. */
async function store(demo: Demo, fields: Stored = {}): Promise<number> {
  const { tag, platform, status = 'Sent', createdOn = T, processedOn, sendOn } = fields;
  const request = { message: 'hello', ...(platform ? { platform } : {}), ...(tag ? { tag } : {}) };
  const [row] = await drizzle(env.DB)
    .insert(notifications)
    .values({
      backendId: demo.backendId,
      request: JSON.stringify(request),
      status,
      tag: tag ?? null,
      createdOn,
      processedOn: processedOn ?? null,
      sendOn: sendOn ?? null,
    })
    .returning({ id: notifications.id });
  if (!row) throw new Error('no row');
  return row.id;
}

async function list(demo: Demo, query: string): Promise<Page> {
  const res = await asAdmin(demo, `${NOTIFICATIONS}?${query}`);
  const text = await res.clone().text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Page;
}

async function ids(demo: Demo, query: string): Promise<number[]> {
  return (await list(demo, query)).items.map((n) => n.id);
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('GET notifications', () => {
  it('pages with limit and offset, keeping every query parameter in next and prev', async () => {
    const demo = await seed();
    const run = crypto.randomUUID().slice(0, 8);
    const created: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await asAdmin(demo, NOTIFICATIONS, {
        body: { message: `m${i}`, tag: run, users: [`nobody-${run}`] },
      });
      created.push(((await res.json()) as { id: number }).id);
    }

    const first = await list(demo, `tag=${run}&limit=2`);
    expect(first.items.map((n) => n.id)).toEqual(created.slice(0, 2));
    expect(first).toMatchObject({ hasMore: true, limit: 2, offset: 0, count: 2 });
    const next = first.links.find((l) => l.rel === 'next')?.href ?? '';
    expect(new URL(next).searchParams.get('tag')).toBe(run);
    expect(first.links.find((l) => l.rel === 'prev')).toBeUndefined();

    const second = await list(demo, next.replace(`${ORIGIN}${NOTIFICATIONS}?`, ''));
    expect(second.items.map((n) => n.id)).toEqual(created.slice(2, 4));
    const prev = second.links.find((l) => l.rel === 'prev')?.href ?? '';
    expect(new URL(prev).searchParams.get('offset')).toBe('0');

    const last = await list(demo, `tag=${run}&limit=2&offset=4`);
    expect(last).toMatchObject({ hasMore: false, count: 1 });
    expect(last.items.map((n) => n.id)).toEqual([created[4]]);
  });

  it('lowers a limit over 1000 and refuses a bad one naming the parameter', async () => {
    const demo = await seed();
    expect((await list(demo, 'limit=5000')).limit).toBe(1000);
    expect((await list(demo, `limit=${'9'.repeat(30)}`)).limit).toBe(1000);
    expect((await list(demo, 'tag=x')).limit).toBe(1000);
    const res = await asAdmin(demo, `${NOTIFICATIONS}?limit=abc`);
    const problem = await expectProblem(res, 400, NOTIFICATIONS);
    expect(errorPaths(problem)).toEqual(['$.limit']);
  });

  it('returns exactly the matching notifications when status, tag and q are given', async () => {
    const demo = await ownBackend();
    const sale = await store(demo, { status: 'Sent', tag: 'Summer-SALE' });
    const saleError = await store(demo, { status: 'Error', tag: 'summer-sale' });
    const other = await store(demo, { status: 'Sent', tag: 'winter' });
    const untagged = await store(demo, { status: 'Sent' });
    const wildcard = await store(demo, { status: 'Warning', tag: '100%_off' });

    expect(await ids(demo, 'status=Sent')).toEqual([sale, other, untagged]);
    expect(await ids(demo, 'tag=summer-sale')).toEqual([saleError]);
    expect(await ids(demo, 'tag=summer')).toEqual([]);
    expect(await ids(demo, 'q=SALE')).toEqual([sale, saleError]);
    expect(await ids(demo, 'q=mer-s&status=Error')).toEqual([saleError]);
    expect(await ids(demo, `q=${encodeURIComponent('%_')}`)).toEqual([wildcard]);
    expect(await ids(demo, 'q=_')).toEqual([wildcard]);
    expect(await ids(demo, 'q=')).toEqual([sale, saleError, other, untagged, wildcard]);
  });

  it('includes both bounds when createdOn, processedOn and sendOn ranges are given', async () => {
    const demo = await ownBackend();
    const early = await store(demo, { createdOn: T - 1 });
    const atStart = await store(demo, { createdOn: T, processedOn: T + MINUTE });
    const inside = await store(demo, { createdOn: T + MINUTE, sendOn: T + 10 * MINUTE });
    const atEnd = await store(demo, {
      createdOn: T + 2 * MINUTE,
      processedOn: T + 3 * MINUTE,
      sendOn: T + 2 * MINUTE,
    });
    const late = await store(demo, { createdOn: T + 2 * MINUTE + 1 });

    const created = `createdOnOrAfter=${iso(T)}&createdOnOrBefore=${iso(T + 2 * MINUTE)}`;
    expect(await ids(demo, created)).toEqual([atStart, inside, atEnd]);
    expect(await ids(demo, `createdOnOrBefore=${iso(T - 1)}`)).toEqual([early]);
    expect(await ids(demo, `createdOnOrAfter=${iso(T + 2 * MINUTE + 1)}`)).toEqual([late]);
    // Other zones and a one-digit hour name the same instants.
    const zoned = encodeURIComponent('2026-01-01T02:00+02:00');
    expect(await ids(demo, `createdOnOrBefore=${zoned}`)).toEqual([early, atStart]);
    expect(await ids(demo, 'createdOnOrAfter=2026-01-01T0:02Z')).toEqual([atEnd, late]);

    // Rows never processed or without sendOn have no value to compare: they do not match.
    expect(await ids(demo, `processedOnOrAfter=${iso(T)}`)).toEqual([atStart, atEnd]);
    expect(await ids(demo, `processedOnOrBefore=${iso(T + MINUTE)}`)).toEqual([atStart]);
    expect(await ids(demo, `sendOnOrAfter=${iso(T + 3 * MINUTE)}`)).toEqual([inside]);
    expect(await ids(demo, `sendOnOrBefore=${iso(T + 2 * MINUTE)}`)).toEqual([atEnd]);
    expect(
      await ids(
        demo,
        `sendOnOrAfter=${iso(T + 2 * MINUTE)}&sendOnOrBefore=${iso(T + 10 * MINUTE)}`,
      ),
    ).toEqual([inside, atEnd]);
  });

  it('orders by each attribute and direction, ties in id order, when orderBy is given', async () => {
    const demo = await ownBackend();
    const a = await store(demo, {
      status: 'Warning',
      tag: 'b',
      platform: 'IOS',
      createdOn: T + 2,
      sendOn: T + 5,
    });
    const b = await store(demo, {
      status: 'Error',
      tag: 'a',
      createdOn: T + 1,
      processedOn: T + 9,
    });
    const c = await store(demo, {
      status: 'Sent',
      tag: 'b',
      platform: 'ANDROID',
      createdOn: T + 3,
      processedOn: T + 8,
    });
    const d = await store(demo, { status: 'Error', platform: 'WEB', createdOn: T, sendOn: T + 4 });

    expect(await ids(demo, '')).toEqual([a, b, c, d]);
    expect(await ids(demo, 'orderBy=id:desc')).toEqual([d, c, b, a]);
    expect(await ids(demo, 'orderBy=status')).toEqual([b, d, c, a]);
    expect(await ids(demo, 'orderBy=status:DESC')).toEqual([a, c, b, d]);
    // No value sorts first ascending, last descending.
    expect(await ids(demo, 'orderBy=tag:asc')).toEqual([d, b, a, c]);
    expect(await ids(demo, 'orderBy=tag:desc,id:desc')).toEqual([c, a, b, d]);
    expect(await ids(demo, 'orderBy=platform')).toEqual([b, c, a, d]);
    expect(await ids(demo, 'orderBy=platform:desc')).toEqual([d, a, c, b]);
    expect(await ids(demo, 'orderBy=sendOn')).toEqual([b, c, d, a]);
    expect(await ids(demo, 'orderBy=createdOn:desc')).toEqual([c, a, b, d]);
    expect(await ids(demo, 'orderBy=processedOn:desc')).toEqual([b, c, a, d]);
    expect(await ids(demo, `orderBy=${encodeURIComponent(' status:desc , tag ')}`)).toEqual([
      a,
      c,
      d,
      b,
    ]);
  });

  it('keeps the order and every filter in next and prev when paging an ordered query', async () => {
    const demo = await ownBackend();
    const stored: number[] = [];
    for (let i = 0; i < 5; i++) stored.push(await store(demo, { tag: 'Promo', createdOn: T + i }));
    await store(demo, { tag: 'other', createdOn: T + 10 });
    const newestFirst = [...stored].reverse();

    const query = `q=promo&orderBy=createdOn:desc&createdOnOrAfter=${iso(T)}&limit=2&offset=2`;
    const page = await list(demo, query);
    expect(page.items.map((n) => n.id)).toEqual(newestFirst.slice(2, 4));
    expect(page).toMatchObject({ hasMore: true, limit: 2, offset: 2, count: 2, totalResults: 5 });
    const self = `${ORIGIN}${NOTIFICATIONS}?${query}`;
    const params = (offset: number) =>
      `q=promo&orderBy=createdOn%3Adesc&createdOnOrAfter=${encodeURIComponent(iso(T))}` +
      `&limit=2&offset=${offset}`;
    expect(page.links).toEqual([
      { rel: 'canonical', href: `${ORIGIN}${NOTIFICATIONS}` },
      { rel: 'self', href: self },
      { rel: 'next', href: `${ORIGIN}${NOTIFICATIONS}?${params(4)}` },
      { rel: 'prev', href: `${ORIGIN}${NOTIFICATIONS}?${params(0)}` },
    ]);

    const next = await list(demo, params(4));
    expect(next.items.map((n) => n.id)).toEqual(newestFirst.slice(4));
    expect(next).toMatchObject({ hasMore: false, count: 1 });
    expect(next.links.map((l) => l.rel)).toEqual(['canonical', 'self', 'prev']);
    const beyond = await list(demo, 'q=promo&offset=50');
    expect(beyond).toMatchObject({ items: [], hasMore: false, count: 0, totalResults: 5 });
  });

  it('returns every stored field of the page when every parameter is given at once', async () => {
    const demo = await ownBackend();
    const id = await store(demo, {
      status: 'Warning',
      tag: 'All-in',
      platform: 'IOS',
      createdOn: T,
      processedOn: T + MINUTE,
      sendOn: T + 30_000,
    });
    await store(demo, { status: 'Warning', tag: 'all-in', createdOn: T });

    const query = [
      'status=Warning',
      'tag=All-in',
      'q=ALL',
      `createdOnOrAfter=${iso(T)}`,
      `createdOnOrBefore=${iso(T)}`,
      `processedOnOrAfter=${iso(T)}`,
      `processedOnOrBefore=${iso(T + MINUTE)}`,
      `sendOnOrAfter=${iso(T)}`,
      `sendOnOrBefore=${iso(T + MINUTE)}`,
      'orderBy=platform:desc,status,tag:asc,sendOn,createdOn:desc,processedOn,id',
      'limit=10',
      'offset=0',
    ].join('&');
    const page = await list(demo, query);
    const href = `${ORIGIN}${NOTIFICATIONS}/${id}`;
    expect(page.items).toEqual([
      {
        message: 'hello',
        platform: 'IOS',
        tag: 'All-in',
        id,
        status: 'Warning',
        createdOn: '2026-01-01T00:00:00.000Z',
        processedOn: '2026-01-01T00:01:00.000Z',
        sendOn: '2026-01-01T00:00:30.000Z',
        deviceCount: 0,
        successCount: 0,
        smsSegments: 1,
        platformCounts: [],
        links: [
          { rel: 'canonical', href },
          { rel: 'self', href },
        ],
      },
    ]);
  });

  it('never lists notifications of another backend', async () => {
    const mine = await ownBackend();
    const theirs = await ownBackend();
    const kept = await store(mine, { tag: 'shared' });
    await store(theirs, { tag: 'shared' });
    expect(await ids(mine, 'tag=shared')).toEqual([kept]);
    expect((await list(mine, 'q=shared')).totalResults).toBe(1);
  });

  it('returns 400 naming every bad parameter when several are bad', async () => {
    const demo = await ownBackend();
    const query = [
      'status=Done',
      'orderBy=name',
      'createdOnOrAfter=yesterday',
      'processedOnOrBefore=2026-01-01T00:00:00',
      'sendOnOrAfter=2026-02-30T00:00Z',
      'offset=-1',
      'limit=0',
      'tag=a',
      'tag=b',
      'unknown=ignored',
    ].join('&');
    const problem = await expectProblem(
      await asAdmin(demo, `${NOTIFICATIONS}?${query}`),
      400,
      NOTIFICATIONS,
    );
    expect(problem['o:errorCode']).toBe('VALIDATION_FAILED');
    expect(errorPaths(problem)).toEqual([
      '$.createdOnOrAfter',
      '$.limit',
      '$.offset',
      '$.orderBy',
      '$.processedOnOrBefore',
      '$.sendOnOrAfter',
      '$.status',
      '$.tag',
    ]);
  });

  it('returns 400 naming orderBy when a term is malformed', async () => {
    const demo = await ownBackend();
    for (const orderBy of ['id:up', 'id,id', 'id,', 'ID', 'id:asc:desc', '', 'tag:desc,status:']) {
      const res = await asAdmin(demo, `${NOTIFICATIONS}?orderBy=${encodeURIComponent(orderBy)}`);
      const problem = await expectProblem(res, 400, NOTIFICATIONS);
      expect(problem['o:errorDetails'], orderBy).toEqual([
        {
          title:
            'orderBy is a comma list of attr[:asc|desc], attr one of id, status, tag, platform, ' +
            'sendOn, createdOn, processedOn, each at most once.',
          'o:errorCode': 'INVALID_FIELD',
          'o:errorPath': '$.orderBy',
        },
      ]);
    }
  });
});
