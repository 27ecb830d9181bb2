/**
 * /admin/v1/backends/{backendId}/profiles[/{profileId}]: notification profiles. Credentials are
 * validated and sealed on save, never returned; deleting a profile unlinks it (cascade).
 */
import { and, asc, eq, ne } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { clientProfiles, clients, profiles } from '../db/schema';
import { badRequest, notFound } from '../http/problem';
import { parseAsyncOrThrow, readJson } from '../http/validate';
import { sealCredentials } from '../profiles/credentials';
import { type CredentialsInput, toCredentials } from '../profiles/validate';
import type { Provider } from '../providers/types';
import type { AdminEnv } from './access';
import { conflict, fieldProblem, locationOf, unlessTaken } from './http';
import { ProfileCreateSchema, profileUpdateSchema } from './schemas';
import { findProfile } from './store';
import { profileView } from './views';

export const profileRoutes = new Hono<AdminEnv>();

const RACE = 'Another profile with this name was saved at the same time.';

/** Where each provider's credentials carry the app id that links compare. */
const APP_ID_PATH: Record<Provider, string> = {
  APNS: '$.credentials.bundleId',
  FCM: '$.credentials.packageName',
  WNS: '$.credentials.appId',
  SYNIVERSE: '$.credentials',
};

profileRoutes.get('/', async (c) => {
  const rows = await c
    .get('db')
    .select()
    .from(profiles)
    .where(eq(profiles.backendId, c.get('backend').id))
    .orderBy(asc(profiles.name));
  const items = rows.map(profileView);
  return c.json({ items, count: items.length });
});

profileRoutes.post('/', async (c) => {
  const body = await parseAsyncOrThrow(ProfileCreateSchema, await readJson(c), 'profile');
  const backendId = c.get('backend').id;
  const db = c.get('db');
  await refuseTakenName(db, backendId, body.name);

  const { credentials, appId } = toCredentials(body);
  const now = Date.now();
  const row = {
    id: crypto.randomUUID(),
    backendId,
    name: body.name,
    provider: body.provider,
    appId,
    ...(await sealCredentials(c.env.CREDENTIALS_KEY, credentials)),
    createdOn: now,
    modifiedOn: now,
  };
  await unlessTaken(db.insert(profiles).values(row), RACE, '$.name');
  return c.json(profileView(row), 201, { Location: locationOf(c, row.id) });
});

profileRoutes.get('/:profileId', async (c) => {
  const row = await findProfile(c.get('db'), c.get('backend').id, c.req.param('profileId'));
  return c.json(profileView(row));
});

/** Renames and/or replaces the credentials (given whole, re-validated, re-sealed). */
profileRoutes.patch('/:profileId', async (c) => {
  const backendId = c.get('backend').id;
  const db = c.get('db');
  const current = await findProfile(db, backendId, c.req.param('profileId'));
  const schema = profileUpdateSchema(current.provider);
  const body = await parseAsyncOrThrow(schema, await readJson(c), 'profile');
  if (body.name !== undefined) await refuseTakenName(db, backendId, body.name, current.id);

  let sealed = {};
  if (body.credentials !== undefined) {
    // The schema was picked by the stored provider, so the pair is consistent.
    const input = { provider: current.provider, credentials: body.credentials } as CredentialsInput;
    const { credentials, appId } = toCredentials(input);
    if (appId !== null && appId !== current.appId) {
      await refuseAppIdChange(db, current.id, current.provider, appId);
    }
    sealed = { appId, ...(await sealCredentials(c.env.CREDENTIALS_KEY, credentials)) };
  }
  const changes = { ...(body.name !== undefined ? { name: body.name } : {}), ...sealed };
  if (Object.keys(changes).length === 0) return c.json(profileView(current));

  const update = db
    .update(profiles)
    .set({ ...changes, modifiedOn: Date.now() })
    .where(eq(profiles.id, current.id));
  const [row] = await unlessTaken(update.returning(), RACE, '$.name');
  if (!row) throw notFound('No such profile.');
  return c.json(profileView(row));
});

profileRoutes.delete('/:profileId', async (c) => {
  const db = c.get('db');
  const current = await findProfile(db, c.get('backend').id, c.req.param('profileId'));
  await db.delete(profiles).where(eq(profiles.id, current.id));
  return c.body(null, 204);
});

async function refuseTakenName(
  db: DrizzleD1Database,
  backendId: string,
  name: string,
  selfId = '',
) {
  const [other] = await db
    .select({ id: profiles.id })
    .from(profiles)
    .where(and(eq(profiles.backendId, backendId), eq(profiles.name, name), ne(profiles.id, selfId)))
    .limit(1);
  if (other) {
    throw conflict([fieldProblem(`A profile named ${name} already exists.`, '$.name', 'TAKEN')]);
  }
}

/** A linked profile keeps the app id of its clients (the link rule), so a change is a 400. */
async function refuseAppIdChange(
  db: DrizzleD1Database,
  profileId: string,
  provider: Provider,
  appId: string,
) {
  const linked = await db
    .select({ name: clients.name })
    .from(clientProfiles)
    .innerJoin(clients, eq(clients.id, clientProfiles.clientId))
    .where(and(eq(clientProfiles.profileId, profileId), ne(clients.appId, appId)))
    .orderBy(asc(clients.name));
  if (linked.length === 0) return;
  const names = linked.map((l) => l.name).join(', ');
  const title =
    `The profile is linked to clients with another app id (${names}): ` +
    'unlink them first, or keep the app id.';
  const detail = fieldProblem(title, APP_ID_PATH[provider], 'APP_ID_MISMATCH');
  throw badRequest(title, [detail], 'APP_ID_MISMATCH');
}
