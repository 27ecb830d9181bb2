/** POST /mobile/platform/devices/register and /deregister. */
import { and, eq, sql } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import type { Caller } from '../auth/caller';
import { splitList } from '../config';
import { clients, devices } from '../db/schema';
import { type AppEnv, requireCaller } from '../http/context';
import { badRequest, type ErrorDetail, forbidden } from '../http/problem';
import { formatTimestamp } from '../http/time';
import { readBody } from '../http/validate';
import type { Platform, Provider } from '../providers/types';
import { isAllowedChannelUri } from '../providers/wns';
import { DeregisterDeviceSchema, RegisterDeviceSchema } from './schemas';
import { canonicalProvider, DEFAULT_PROVIDER, normaliseToken, providerMismatch } from './tokens';

export const deviceRoutes = new Hono<AppEnv>();

deviceRoutes.use(
  '*',
  requireCaller(() => true, 'Not allowed.'),
);

deviceRoutes.post('/register', async (c) => {
  const body = await readBody(c, RegisterDeviceSchema);
  const caller = c.get('caller');
  const db = c.get('db');
  const { platform, version } = body.mobileClient;

  // Every bad field is reported in one 400 (api-contract.md, Conventions).
  const problems: ErrorDetail[] = [];
  const provider = resolveProvider(body.notificationProvider, platform, problems);
  const token = checkedToken(provider, body.notificationToken, c.env.WNS_CHANNEL_ORIGINS, problems);
  const client = await findClient(db, caller.backendId, body.mobileClient.id, platform, problems);
  if (client && !(JSON.parse(client.versions) as string[]).includes(version)) {
    const reason = `Version ${version} is not registered for client ${client.appId} (${platform}).`;
    problems.push(field(reason, '$.mobileClient.version'));
  }
  if (!client || token === null || problems.length > 0) throw invalid(problems);
  const user = deviceUser(caller, body.user);

  // One row per (backend, provider, token): a re-registration moves it to the new user/version.
  const now = Date.now();
  const [row] = await db
    .insert(devices)
    .values({
      id: crypto.randomUUID(),
      backendId: caller.backendId,
      clientId: client.id,
      provider,
      token,
      platform,
      user,
      appVersion: version,
      createdOn: now,
      modifiedOn: now,
    })
    .onConflictDoUpdate({
      target: [devices.backendId, devices.provider, devices.token],
      set: {
        clientId: client.id,
        platform,
        user,
        appVersion: version,
        modifiedOn: sql`max(${now}, ${devices.modifiedOn} + 1)`,
      },
    })
    .returning();
  if (!row) throw new Error('device upsert returned no row');

  return c.json(
    {
      id: row.id,
      user: row.user,
      notificationProvider: row.provider,
      notificationToken: row.token,
      mobileClient: { id: client.appId, version: row.appVersion, platform: row.platform },
      modifiedOn: formatTimestamp(row.modifiedOn),
    },
    201,
  );
});

deviceRoutes.post('/deregister', async (c) => {
  const body = await readBody(c, DeregisterDeviceSchema);
  const caller = c.get('caller');
  const db = c.get('db');
  const { platform } = body.mobileClient;

  const problems: ErrorDetail[] = [];
  const provider = resolveProvider(body.notificationProvider, platform, problems);
  const client = await findClient(db, caller.backendId, body.mobileClient.id, platform, problems);
  if (!client || problems.length > 0) throw invalid(problems);
  const normalised = normaliseToken(provider, body.notificationToken);
  if (!normalised.ok) return c.json({ deregistered: false });

  const removed = await db
    .delete(devices)
    .where(
      and(
        eq(devices.backendId, caller.backendId),
        eq(devices.provider, provider),
        eq(devices.token, normalised.token),
        eq(devices.clientId, client.id),
      ),
    )
    .returning({ id: devices.id });
  return c.json({ deregistered: removed.length > 0 });
});

function field(title: string, path: string) {
  return { title, 'o:errorCode': 'INVALID_FIELD', 'o:errorPath': path };
}

function invalid(problems: ErrorDetail[]) {
  return badRequest(problems.map((p) => p.title).join(' '), problems);
}

/** The provider to store (default by platform, GCM as FCM); a bad pair is added to `problems`. */
function resolveProvider(
  given: string | undefined,
  platform: Platform,
  problems: ErrorDetail[],
): Provider {
  const provider = given ? canonicalProvider(given) : DEFAULT_PROVIDER[platform];
  const mismatch = providerMismatch(provider, platform);
  if (mismatch) problems.push(field(mismatch, '$.notificationProvider'));
  return provider;
}

/** The normalised token, or null with the reason added to `problems`. */
function checkedToken(
  provider: Provider,
  raw: string,
  channelOrigins: string,
  problems: ErrorDetail[],
): string | null {
  const result = normaliseToken(provider, raw);
  if (!result.ok) {
    problems.push(field(result.reason, '$.notificationToken'));
    return null;
  }
  if (provider === 'WNS' && !isAllowedChannelUri(result.token, splitList(channelOrigins))) {
    const reason = 'A WNS token must be an https channel URI on *.notify.windows.com.';
    problems.push(field(reason, '$.notificationToken'));
    return null;
  }
  return result.token;
}

/** The backend's client for (app id, platform), or null with the reason added to `problems`. */
async function findClient(
  db: DrizzleD1Database,
  backendId: string,
  appId: string,
  platform: Platform,
  problems: ErrorDetail[],
) {
  const [client] = await db
    .select()
    .from(clients)
    .where(
      and(
        eq(clients.backendId, backendId),
        eq(clients.appId, appId),
        eq(clients.platform, platform),
      ),
    )
    .limit(1);
  if (!client) {
    const reason = `No ${platform} client with app id ${appId} is registered in this backend.`;
    problems.push(field(reason, '$.mobileClient.id'));
    return null;
  }
  return client;
}

/** Only team members (and OAuth clients) may name another user (api-contract.md). */
function deviceUser(caller: Caller, requested: string | undefined): string | null {
  switch (caller.kind) {
    case 'member':
    case 'client':
      return requested ?? (caller.kind === 'member' ? caller.username : null);
    case 'mobile':
      if (requested !== undefined && requested !== caller.username) {
        throw forbidden('A mobile user may register devices only for itself.');
      }
      return caller.username;
    case 'anonymous':
      if (requested !== undefined) throw forbidden('Anonymous callers cannot name a user.');
      return null;
  }
}
