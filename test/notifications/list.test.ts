import { describe, expect, it } from 'vitest';
import { asAdmin, expectProblem, NOTIFICATIONS, ORIGIN, seed } from '../helpers';

type Page = {
  items: { id: number; tag?: string }[];
  hasMore: boolean;
  limit: number;
  offset: number;
  count: number;
  links: { rel: string; href: string }[];
};

describe('GET notifications', () => {
  it('pages with limit and offset, keeping every query parameter in next and prev', async () => {
    const demo = await seed();
    const run = crypto.randomUUID().slice(0, 8);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await asAdmin(demo, NOTIFICATIONS, {
        body: { message: `m${i}`, tag: run, users: [`nobody-${run}`] },
      });
      ids.push(((await res.json()) as { id: number }).id);
    }

    const first = (await (
      await asAdmin(demo, `${NOTIFICATIONS}?tag=${run}&limit=2`)
    ).json()) as Page;
    expect(first.items.map((n) => n.id)).toEqual(ids.slice(0, 2));
    expect(first).toMatchObject({ hasMore: true, limit: 2, offset: 0, count: 2 });
    const next = first.links.find((l) => l.rel === 'next')?.href ?? '';
    expect(new URL(next).searchParams.get('tag')).toBe(run);
    expect(first.links.find((l) => l.rel === 'prev')).toBeUndefined();

    const second = (await (await asAdmin(demo, next.replace(ORIGIN, ''))).json()) as Page;
    expect(second.items.map((n) => n.id)).toEqual(ids.slice(2, 4));
    const prev = second.links.find((l) => l.rel === 'prev')?.href ?? '';
    expect(new URL(prev).searchParams.get('offset')).toBe('0');

    const last = (await (
      await asAdmin(demo, `${NOTIFICATIONS}?tag=${run}&limit=2&offset=4`)
    ).json()) as Page;
    expect(last).toMatchObject({ hasMore: false, count: 1 });
    expect(last.items.map((n) => n.id)).toEqual([ids[4]]);
  });

  it('lowers a limit over 1000 and refuses a bad one naming the parameter', async () => {
    const demo = await seed();
    const big = (await (await asAdmin(demo, `${NOTIFICATIONS}?limit=5000`)).json()) as Page;
    expect(big.limit).toBe(1000);
    const res = await asAdmin(demo, `${NOTIFICATIONS}?limit=abc`);
    const problem = await expectProblem(res, 400, NOTIFICATIONS);
    expect(problem['o:errorDetails']?.[0]?.['o:errorPath']).toBe('$.limit');
  });
});
