/**
 * /admin/v1/backends/{backendId}/clients[/{clientId}]: the apps of a backend. Deleting a client
 * deletes its devices and links (foreign-key cascade).
 */
import { and, asc, eq, ne, or } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { clients } from '../db/schema';
import { type ErrorDetail, notFound } from '../http/problem';
import { readBody } from '../http/validate';
import type { Platform } from '../providers/types';
import type { AdminEnv } from './access';
import { conflict, fieldProblem, locationOf, unlessTaken } from './http';
import { ClientCreateSchema, clientUpdateSchema } from './schemas';
import { findClient, linkedProfiles } from './store';
import { clientView } from './views';

export const clientRoutes = new Hono<AdminEnv>();

const RACE = 'Another client with this name or app id was saved at the same time.';

clientRoutes.get('/', async (c) => {
  const backendId = c.get('backend').id;
  const db = c.get('db');
  const rows = await db
    .select()
    .from(clients)
    .where(eq(clients.backendId, backendId))
    .orderBy(asc(clients.name));
  const links = await linkedProfiles(db, backendId);
  const items = rows.map((row) => clientView(row, links.get(row.id) ?? []));
  return c.json({ items, count: items.length });
});

clientRoutes.post('/', async (c) => {
  const body = await readBody(c, ClientCreateSchema, 'client');
  const backendId = c.get('backend').id;
  const db = c.get('db');
  await refuseDuplicates(db, backendId, body);

  const row = {
    ...body,
    id: crypto.randomUUID(),
    backendId,
    versions: JSON.stringify(body.versions),
    createdOn: Date.now(),
  };
  await unlessTaken(db.insert(clients).values(row), RACE, '$');
  return c.json(clientView(row, []), 201, { Location: locationOf(c, row.id) });
});

clientRoutes.get('/:clientId', async (c) => {
  const backendId = c.get('backend').id;
  const db = c.get('db');
  const row = await findClient(db, backendId, c.req.param('clientId'));
  const links = await linkedProfiles(db, backendId, row.id);
  return c.json(clientView(row, links.get(row.id) ?? []));
});

clientRoutes.patch('/:clientId', async (c) => {
  const backendId = c.get('backend').id;
  const db = c.get('db');
  const current = await findClient(db, backendId, c.req.param('clientId'));
  const body = await readBody(c, clientUpdateSchema(current), 'client');
  if (body.name !== undefined)
    await refuseDuplicates(db, backendId, { name: body.name }, current.id);

  const changes = {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
    ...(body.versions !== undefined ? { versions: JSON.stringify(body.versions) } : {}),
  };
  let row = current;
  if (Object.keys(changes).length > 0) {
    const update = db.update(clients).set(changes).where(eq(clients.id, current.id));
    const [updated] = await unlessTaken(update.returning(), RACE, '$.name');
    if (!updated) throw notFound('No such client.');
    row = updated;
  }
  const links = await linkedProfiles(db, backendId, row.id);
  return c.json(clientView(row, links.get(row.id) ?? []));
});

clientRoutes.delete('/:clientId', async (c) => {
  const backendId = c.get('backend').id;
  const db = c.get('db');
  const current = await findClient(db, backendId, c.req.param('clientId'));
  await db.delete(clients).where(eq(clients.id, current.id));
  return c.body(null, 204);
});

/** 409 naming every field that another client of the backend already has. */
async function refuseDuplicates(
  db: DrizzleD1Database,
  backendId: string,
  fields: { name: string; platform?: Platform; appId?: string },
  selfId = '',
) {
  const { name, platform, appId } = fields;
  const sameApp =
    platform !== undefined && appId !== undefined
      ? and(eq(clients.platform, platform), eq(clients.appId, appId))
      : undefined;
  const others = await db
    .select({ name: clients.name, platform: clients.platform, appId: clients.appId })
    .from(clients)
    .where(
      and(
        eq(clients.backendId, backendId),
        ne(clients.id, selfId),
        or(eq(clients.name, name), sameApp),
      ),
    );

  const details: ErrorDetail[] = [];
  if (others.some((o) => o.name === name)) {
    details.push(fieldProblem(`A client named ${name} already exists.`, '$.name', 'TAKEN'));
  }
  if (others.some((o) => o.platform === platform && o.appId === appId)) {
    const title = `A ${platform} client with app id ${appId} already exists.`;
    details.push(fieldProblem(title, '$.appId', 'TAKEN'));
  }
  if (details.length > 0) throw conflict(details);
}
