/** Which of a send's possible providers have devices in the backend (one indexed query). */
import { sql } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { Provider } from '../providers/types';

/**
 * The providers among `possible` with at least one registered device; `possible` itself when
 * none has any, so an empty backend still gets every payload check.
 */
export async function reachableProviders(
  db: DrizzleD1Database,
  backendId: string,
  possible: Provider[],
): Promise<Provider[]> {
  if (possible.length === 0) return possible;
  const checks = possible.map(
    (provider) => sql`EXISTS (SELECT 1 FROM devices
      WHERE backend_id = ${backendId} AND provider = ${provider})`,
  );
  const [row] = await db.all<Record<string, number>>(
    sql`SELECT ${sql.join(
      checks.map((check, i) => sql`${check} AS ${sql.raw(`p${i}`)}`),
      sql`, `,
    )}`,
  );
  const reachable = possible.filter((_, i) => row?.[`p${i}`] === 1);
  return reachable.length > 0 ? reachable : possible;
}
