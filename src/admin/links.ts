/**
 * /admin/v1/backends/{backendId}/clients/{clientId}/profiles[/{profileId}]: which profiles send
 * to a client's devices. PUT links (idempotent), DELETE unlinks.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { clientProfiles, profiles } from '../db/schema';
import { badRequest, notFound } from '../http/problem';
import type { AdminEnv } from './access';
import { isUniqueViolation } from './http';
import { linkRefusal } from './link-rules';
import { findClient, findProfile } from './store';
import { profileView } from './views';

export const linkRoutes = new Hono<AdminEnv>();

linkRoutes.get('/', async (c) => {
  const db = c.get('db');
  const client = await findClient(db, c.get('backend').id, c.req.param('clientId') ?? '');
  const rows = await db
    .select({ profile: profiles })
    .from(clientProfiles)
    .innerJoin(profiles, eq(profiles.id, clientProfiles.profileId))
    .where(eq(clientProfiles.clientId, client.id))
    .orderBy(asc(profiles.provider), asc(profiles.name));
  const items = rows.map((row) => profileView(row.profile));
  return c.json({ items, count: items.length });
});

linkRoutes.get('/:profileId', async (c) => {
  const db = c.get('db');
  const backendId = c.get('backend').id;
  const client = await findClient(db, backendId, c.req.param('clientId') ?? '');
  const profile = await findProfile(db, backendId, c.req.param('profileId'));
  const links = await linksOf(db, client.id);
  if (!links.some((l) => l.id === profile.id)) throw notFound('The profile is not linked.');
  return c.json(profileView(profile));
});

/** 201 when the link is new, 200 when it existed; a broken link rule is a 400 naming it. */
linkRoutes.put('/:profileId', async (c) => {
  const db = c.get('db');
  const backendId = c.get('backend').id;
  const client = await findClient(db, backendId, c.req.param('clientId') ?? '');
  const profile = await findProfile(db, backendId, c.req.param('profileId'));
  const links = await linksOf(db, client.id);
  if (links.some((l) => l.id === profile.id)) return c.json(profileView(profile), 200);

  const refusal = linkRefusal(client, profile, links);
  if (refusal) throw badRequest(refusal.message, [], refusal.code);
  try {
    await db
      .insert(clientProfiles)
      .values({ clientId: client.id, profileId: profile.id, provider: profile.provider });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const message = `Another ${profile.provider} profile was linked at the same time.`;
    throw badRequest(message, [], 'PROVIDER_ALREADY_LINKED');
  }
  return c.json(profileView(profile), 201);
});

linkRoutes.delete('/:profileId', async (c) => {
  const db = c.get('db');
  const backendId = c.get('backend').id;
  const client = await findClient(db, backendId, c.req.param('clientId') ?? '');
  const profile = await findProfile(db, backendId, c.req.param('profileId'));
  const removed = await db
    .delete(clientProfiles)
    .where(and(eq(clientProfiles.clientId, client.id), eq(clientProfiles.profileId, profile.id)))
    .returning({ profileId: clientProfiles.profileId });
  if (removed.length === 0) throw notFound('The profile is not linked.');
  return c.body(null, 204);
});

async function linksOf(db: DrizzleD1Database, clientId: string) {
  return db
    .select({ id: clientProfiles.profileId, provider: clientProfiles.provider })
    .from(clientProfiles)
    .where(eq(clientProfiles.clientId, clientId));
}
