/** /admin/v1/backends: the member's backends, one backend, and its policies. */
import { asc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { backendMembers, backends } from '../db/schema';
import { notFound } from '../http/problem';
import { readBody } from '../http/validate';
import type { AdminEnv } from './access';
import { PoliciesSchema } from './schemas';
import { backendView } from './views';

export const backendRoutes = new Hono<AdminEnv>();

backendRoutes.get('/', async (c) => {
  const rows = await c
    .get('db')
    .select({ backend: backends })
    .from(backends)
    .innerJoin(backendMembers, eq(backendMembers.backendId, backends.id))
    .where(eq(backendMembers.memberId, c.get('member').id))
    .orderBy(asc(backends.name));
  const items = rows.map((row) => backendView(row.backend));
  return c.json({ items, count: items.length });
});

backendRoutes.get('/:backendId', (c) => c.json(backendView(c.get('backend'))));

/** Replaces the policies; a policy left out takes its default again. */
backendRoutes.put('/:backendId/policies', async (c) => {
  const policies = await readBody(c, PoliciesSchema, 'policies');
  const [row] = await c
    .get('db')
    .update(backends)
    .set({ policies: JSON.stringify(policies) })
    .where(eq(backends.id, c.get('backend').id))
    .returning();
  if (!row) throw notFound('No such backend.');
  return c.json(backendView(row));
});
