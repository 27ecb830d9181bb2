/**
 * Deletes devices in bounded pages (`DELETE … WHERE id IN (SELECT id … LIMIT n)`), so no
 * statement touches more than a page of rows and one call makes a bounded number of queries.
 */
import { inArray, type SQL } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { devices } from '../db/schema';

export type PageLimits = { pageSize: number; maxPages: number };

/** How many devices went, and whether matching ones are left (the page budget ran out). */
export type Deleted = { removed: number; hasMore: boolean };

/** Deletes the devices matching `where`, at most `pageSize × maxPages` of them. */
export async function deleteDevicesInPages(
  db: DrizzleD1Database,
  where: SQL | undefined,
  { pageSize, maxPages }: PageLimits,
): Promise<Deleted> {
  const page = () => db.select({ id: devices.id }).from(devices).where(where).limit(pageSize);
  let removed = 0;
  for (let n = 0; n < maxPages; n++) {
    const result = await db.delete(devices).where(inArray(devices.id, page())).run();
    removed += result.meta.changes;
    if (result.meta.changes < pageSize) return { removed, hasMore: false };
  }
  const [left] = await db.select({ id: devices.id }).from(devices).where(where).limit(1);
  return { removed, hasMore: left !== undefined };
}

/** Ids per statement: D1 binds at most 100 parameters. */
const ID_CHUNK = 90;

/** Deletes the devices with these ids, in statements of at most 90 ids. */
export async function deleteDevicesById(db: DrizzleD1Database, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    await db.delete(devices).where(inArray(devices.id, ids.slice(i, i + ID_CHUNK)));
  }
}
