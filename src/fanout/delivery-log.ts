/**
 * The per-(notification, device) delivery log in D1 (table `deliveries`). Before each chunk of
 * requests the consumer claims the chunk's devices (outcome `pending`, with a lease); after it,
 * it logs what each got. A batch delivered twice, even at the same time, or retried after the
 * consumer died mid-way, sends only to devices it could claim, and reuses what the log says.
 */
import { and, eq, type SQL, sql } from 'drizzle-orm';
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
    const entry = parseLogged(row.attempt, row.outcome);
    if (entry) logged.set(row.deviceId, entry);
  }
  return logged;
}

function parseLogged(attempt: unknown, outcome: unknown): Logged | undefined {
  if (typeof attempt !== 'number' || typeof outcome !== 'string') return undefined;
  const parsed = LoggedOutcomeSchema.safeParse(JSON.parse(outcome));
  return parsed.success ? { attempt, outcome: parsed.data } : undefined;
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

/**
 * A finished send's rows are forgotten by its coordinator (forgetSend); rows older than this
 * are forgotten by the daily prune, as a backstop for a coordinator stopped half-way.
 */
export const LOG_KEEP_MS = 7 * 24 * 3600 * 1000;

/**
 * Forgets the log of a send whose final status is written, in pages of `pageSize` rows: every
 * batch of it has reported, and a later redelivery is turned away before it reads the log.
 */
export async function forgetSend(
  db: DrizzleD1Database,
  notificationId: number,
  pageSize = 5000,
): Promise<void> {
  await deletePages(db, sql`notification_id = ${notificationId}`, Infinity, pageSize);
}

/** Forgets log rows older than LOG_KEEP_MS, at most `pages` × `pageSize` of them. */
export function forgetOldDeliveries(
  db: DrizzleD1Database,
  now: number,
  pages = 8,
  pageSize = 5000,
): Promise<number> {
  return deletePages(db, sql`recorded_on < ${now - LOG_KEEP_MS}`, pages, pageSize);
}

/** Deletes the log rows matching `where`, a page of `pageSize` per statement; answers how many. */
async function deletePages(
  db: DrizzleD1Database,
  where: SQL,
  pages: number,
  pageSize: number,
): Promise<number> {
  let removed = 0;
  for (let page = 0; page < pages; page++) {
    const result = await db.run(sql`
      DELETE FROM deliveries WHERE rowid IN (
        SELECT rowid FROM deliveries WHERE ${where} LIMIT ${pageSize})`);
    removed += result.meta.changes;
    if (result.meta.changes < pageSize) break;
  }
  return removed;
}

/** What one round trip of `logAndClaim` answers for the chunk it claimed. */
export type Claim = {
  /** The chunk's devices this delivery claimed: it may send to them. */
  mine: Set<string>;
  /** The log rows of the chunk's devices, read after the claim. */
  logged: Map<string, Logged>;
};

/**
 * Logs the previous chunk's outcomes, claims the next chunk's devices and reads the next chunk's
 * log, in one round trip (one D1 `batch`, run as a transaction). A claim takes free devices,
 * devices whose lease ran out, and devices an earlier attempt left to "retry later"; it never
 * takes a device with a settled outcome. Every list is one bound parameter (JSON).
 */
export async function logAndClaim(
  d1: D1Database,
  notificationId: number,
  attempt: number,
  outcomes: { deviceId: string; outcome: Outcome }[],
  nextIds: string[],
): Promise<Claim> {
  const now = Date.now();
  const statements: D1PreparedStatement[] = [];
  if (outcomes.length > 0) {
    const rows = outcomes.map(({ deviceId, outcome }) => [deviceId, JSON.stringify(outcome)]);
    statements.push(
      d1
        .prepare(
          `INSERT INTO deliveries (notification_id, device_id, attempt, outcome, recorded_on)
           SELECT ?1, json_extract(value, '$[0]'), ?2, json_extract(value, '$[1]'), ?3
           FROM json_each(?4) WHERE true
           ON CONFLICT (notification_id, device_id) DO UPDATE SET
             attempt = excluded.attempt, outcome = excluded.outcome,
             recorded_on = excluded.recorded_on`,
        )
        .bind(notificationId, attempt, now, JSON.stringify(rows)),
    );
  }
  if (nextIds.length > 0) {
    const ids = JSON.stringify(nextIds);
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
        .bind(notificationId, attempt, PENDING, now, ids, now - CLAIM_LEASE_MS),
      d1
        .prepare(
          `SELECT device_id, attempt, outcome FROM deliveries
           WHERE notification_id = ? AND device_id IN (SELECT value FROM json_each(?))`,
        )
        .bind(notificationId, ids),
    );
  }
  const claim: Claim = { mine: new Set(), logged: new Map() };
  if (statements.length === 0) return claim;
  const results = await d1.batch<Record<string, unknown>>(statements);
  if (nextIds.length === 0) return claim;
  const [claimed, read] = results.slice(-2);
  for (const row of claimed?.results ?? []) claim.mine.add(String(row.device_id));
  for (const row of read?.results ?? []) {
    const logged = parseLogged(row.attempt, row.outcome);
    if (logged) claim.logged.set(String(row.device_id), logged);
  }
  return claim;
}
