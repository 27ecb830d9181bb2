/** D1 reads shared by the administration routes, always scoped to one backend. */
import { and, asc, eq } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { clientProfiles, clients, profiles } from '../db/schema';
import { notFound } from '../http/problem';
import type { LinkedProfile } from './views';

/** The backend's client `clientId`, or 404 (also for another backend's ids). */
export async function findClient(db: DrizzleD1Database, backendId: string, clientId: string) {
  const [row] = await db
    .select()
    .from(clients)
    .where(and(eq(clients.backendId, backendId), eq(clients.id, clientId)))
    .limit(1);
  if (!row) throw notFound('No such client.');
  return row;
}

/** The backend's profile `profileId`, or 404 (also for another backend's ids). */
export async function findProfile(db: DrizzleD1Database, backendId: string, profileId: string) {
  const [row] = await db
    .select()
    .from(profiles)
    .where(and(eq(profiles.backendId, backendId), eq(profiles.id, profileId)))
    .limit(1);
  if (!row) throw notFound('No such profile.');
  return row;
}

/** Client id → the profiles linked to it, for the whole backend or one client. */
export async function linkedProfiles(
  db: DrizzleD1Database,
  backendId: string,
  clientId?: string,
): Promise<Map<string, LinkedProfile[]>> {
  const rows = await db
    .select({
      clientId: clientProfiles.clientId,
      id: profiles.id,
      name: profiles.name,
      provider: profiles.provider,
    })
    .from(clientProfiles)
    .innerJoin(profiles, eq(profiles.id, clientProfiles.profileId))
    .where(
      and(
        eq(profiles.backendId, backendId),
        clientId === undefined ? undefined : eq(clientProfiles.clientId, clientId),
      ),
    )
    .orderBy(asc(profiles.provider), asc(profiles.name));
  const byClient = new Map<string, LinkedProfile[]>();
  for (const { clientId: owner, ...profile } of rows) {
    byClient.set(owner, [...(byClient.get(owner) ?? []), profile]);
  }
  return byClient;
}
