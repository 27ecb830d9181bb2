/**
 * The per-(notification, device) delivery log in D1 (table `deliveries`). Before each wave of
 * requests the consumer claims the wave's devices (outcome `pending`, with a lease); after it,
 * it logs what each got. A batch delivered twice, even at the same time, or retried after the
 * consumer died mid-way, sends only to devices it could claim, and reuses what the log says.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { z } from 'zod';
import { deliveries } from '../db/schema';
import type { Outcome } from '../providers/types';

const LoggedOutcomeSchema = z.union([
  z.object({ kind: z.literal('pending') }),
  z.object({ kind: z.literal('accepted') }),
  z.object({ kind: z.literal('dead'), reason: z.string(), ambiguous: z.literal(true).optional() }),
  z.object({
    kind: z.literal('retry'),
    reason: z.string(),
    retryAfterSeconds: z.number().optional(),
  }),
  z.object({ kind: z.enum(['credentials', 'bad-message']), reason: z.string() }),
]);

export type Logged = { attempt: number; outcome: z.infer<typeof LoggedOutcomeSchema> };

/** How long a claim holds before another delivery may take the device over. */
export const CLAIM_LEASE_MS = 60_000;
const PENDING = JSON.stringify({ kind: 'pending' });

/** `deviceIds` as one bound parameter (D1 binds at most 100 per statement). */
const idList = (deviceIds: string[]) =>
  sql`(SELECT value FROM json_each(${JSON.stringify(deviceIds)}))`;

/** The logged outcomes of `deviceIds`. */
export async function readLog(
  db: DrizzleD1Database,
  notificationId: number,
  deviceIds: string[],
): Promise<Map<string, Logged>> {
  const logged = new Map<string, Logged>();
  if (deviceIds.length === 0) return logged;
  const rows = await db
    .select()
    .from(deliveries)
    .where(
      and(
        eq(deliveries.notificationId, notificationId),
        sql`${deliveries.deviceId} IN ${idList(deviceIds)}`,
      ),
    );
  for (const row of rows) {
    const outcome = LoggedOutcomeSchema.safeParse(JSON.parse(row.outcome));
    if (outcome.success) logged.set(row.deviceId, { attempt: row.attempt, outcome: outcome.data });
  }
  return logged;
}

/**
 * The outcome that settles the device for `attempt`, if the log has one: anything but pending
 * or "retry later" does; a retry logged by this attempt (or a later one) is already handed on.
 */
export function settled(logged: Logged | undefined, attempt: number): Outcome | undefined {
  const outcome = logged?.outcome;
  if (!logged || !outcome || outcome.kind === 'pending') return undefined;
  return outcome.kind !== 'retry' || logged.attempt >= attempt ? outcome : undefined;
}

/** Thrown when devices of the batch are claimed by another delivery that has not finished. */
export class ClaimedElsewhere extends Error {
  constructor(readonly devices: number) {
    super(`${devices} devices are being sent by another delivery of this batch`);
  }
}

/** The log is kept this long: long enough for every retry and redelivery of a send. */
export const LOG_KEEP_MS = 7 * 24 * 3600 * 1000;

/** Forgets log rows older than LOG_KEEP_MS, at most `pages` × `pageSize` of them. */
export async function forgetOldDeliveries(
  db: DrizzleD1Database,
  now: number,
  pages = 8,
  pageSize = 5000,
): Promise<number> {
  let removed = 0;
  for (let page = 0; page < pages; page++) {
    const result = await db.run(sql`
      DELETE FROM deliveries WHERE rowid IN (
        SELECT rowid FROM deliveries WHERE recorded_on < ${now - LOG_KEEP_MS} LIMIT ${pageSize})`);
    removed += result.meta.changes;
    if (result.meta.changes < pageSize) break;
  }
  return removed;
}

/**
 * Logs one wave's outcomes and claims the next wave's devices in one round trip (one D1
 * `batch`, run as a transaction). A claim takes free devices, devices whose lease ran out, and
 * devices an earlier attempt left to "retry later". Answers the ids this delivery may send to.
 */
export async function logAndClaim(
  d1: D1Database,
  notificationId: number,
  attempt: number,
  wave: { deviceId: string; outcome: Outcome }[],
  nextIds: string[],
): Promise<Set<string>> {
  const now = Date.now();
  const statements: D1PreparedStatement[] = [];
  if (wave.length > 0) {
    const rows = wave.map(() => '(?, ?, ?, ?, ?)').join(', ');
    const values = wave.flatMap(({ deviceId, outcome }) => [
      notificationId,
      deviceId,
      attempt,
      JSON.stringify(outcome),
      now,
    ]);
    statements.push(
      d1
        .prepare(
          `INSERT INTO deliveries (notification_id, device_id, attempt, outcome, recorded_on)
           VALUES ${rows} ON CONFLICT (notification_id, device_id) DO UPDATE SET
           attempt = excluded.attempt, outcome = excluded.outcome,
           recorded_on = excluded.recorded_on`,
        )
        .bind(...values),
    );
  }
  if (nextIds.length > 0) {
    statements.push(
      d1
        .prepare(
          `INSERT INTO deliveries (notification_id, device_id, attempt, outcome, recorded_on)
           SELECT ?1, value, ?2, ?3, ?4 FROM json_each(?5) WHERE true
           ON CONFLICT (notification_id, device_id) DO UPDATE SET
             attempt = excluded.attempt, outcome = excluded.outcome,
             recorded_on = excluded.recorded_on
           WHERE (deliveries.outcome = ?3 AND deliveries.recorded_on < ?6)
             OR (json_extract(deliveries.outcome, '$.kind') = 'retry'
               AND deliveries.attempt < excluded.attempt)
           RETURNING device_id`,
        )
        .bind(notificationId, attempt, PENDING, now, JSON.stringify(nextIds), now - CLAIM_LEASE_MS),
    );
  }
  if (statements.length === 0) return new Set();
  const results = await d1.batch<{ device_id: string }>(statements);
  const claimed = nextIds.length > 0 ? (results.at(-1)?.results ?? []) : [];
  return new Set(claimed.map((r) => r.device_id));
}
