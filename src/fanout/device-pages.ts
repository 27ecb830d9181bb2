/**
 * Reads a send's target devices from D1 in pages, keyset-paged by device id. Token and user
 * lists are split into chunks so no statement binds more than 100 parameters (D1's limit).
 */
import { and, asc, eq, gt, inArray, type SQL } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { devices } from '../db/schema';
import { tokenCandidates } from '../devices/tokens';
import type { Platform, Provider } from '../providers/types';

export const CHUNK = 80;

export type DeviceFilter = {
  notificationTokens?: string[];
  users?: string[];
  platform?: Platform;
  provider?: Provider;
};
export type Cursor = { chunk: number; afterId: string };
export type TargetDevice = {
  id: string;
  token: string;
  platform: Platform;
  provider: Provider;
  clientId: string;
};

export const FIRST_CURSOR: Cursor = { chunk: 0, afterId: '' };

/** The lists a send is split into: token candidates, else users, else one unfiltered chunk. */
function chunksOf(filter: DeviceFilter): { tokens?: string[]; users?: string[] }[] {
  const split = (list: string[]) =>
    Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) =>
      list.slice(i * CHUNK, (i + 1) * CHUNK),
    );
  if (filter.notificationTokens) {
    const candidates = [...new Set(filter.notificationTokens.flatMap(tokenCandidates))];
    return split(candidates).map((tokens) => ({ tokens }));
  }
  if (filter.users) return split([...new Set(filter.users)]).map((users) => ({ users }));
  return [{}];
}

export async function readDevicePage(
  db: DrizzleD1Database,
  backendId: string,
  filter: DeviceFilter,
  cursor: Cursor,
  pageSize: number,
): Promise<{ devices: TargetDevice[]; next: Cursor | null }> {
  const chunks = chunksOf(filter);
  const chunk = chunks[cursor.chunk];
  if (!chunk) return { devices: [], next: null };

  const where: SQL[] = [eq(devices.backendId, backendId), gt(devices.id, cursor.afterId)];
  if (chunk.tokens) where.push(inArray(devices.token, chunk.tokens));
  if (chunk.users) where.push(inArray(devices.user, chunk.users));
  if (filter.platform) where.push(eq(devices.platform, filter.platform));
  if (filter.provider) where.push(eq(devices.provider, filter.provider));

  const rows = await db
    .select({
      id: devices.id,
      token: devices.token,
      platform: devices.platform,
      provider: devices.provider,
      clientId: devices.clientId,
      user: devices.user,
    })
    .from(devices)
    .where(and(...where))
    .orderBy(asc(devices.id))
    .limit(pageSize);

  const users = chunk.tokens && filter.users ? new Set(filter.users) : null;
  const matched = users ? rows.filter((r) => r.user !== null && users.has(r.user)) : rows;
  const last = rows.at(-1);
  let next: Cursor | null;
  if (rows.length === pageSize && last) next = { chunk: cursor.chunk, afterId: last.id };
  else next = cursor.chunk + 1 < chunks.length ? { chunk: cursor.chunk + 1, afterId: '' } : null;
  return { devices: matched.map(({ user: _user, ...device }) => device), next };
}
