/**
 * BackendCoordinator: one Durable Object per backend. It owns every send of the backend from
 * submit to final status: waits for `sendOn` (alarm), reads the target devices from D1 in pages,
 * enqueues delivery batches, counts the batch reports, and writes progress and the final status
 * to D1. Outcomes arrive per batch, so it is never on the per-device path.
 */
import { DurableObject } from 'cloudflare:workers';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { backends, clientProfiles, clients, notifications, profiles } from '../db/schema';
import { log } from '../log';
import { StoredRequestSchema } from '../notifications/schemas';
import { type Composed, composeFor } from '../payload/compose';
import { PROVIDERS, type Provider } from '../providers/types';
import { forgetSend } from './delivery-log';
import { readDevicePage } from './device-pages';
import {
  addTally,
  doneKey,
  type Job,
  JobSchema,
  jobKey,
  newJob,
  platformCounts,
  suspectsPrefix,
  totals,
} from './job';
import { type BatchReport, BatchReportSchema, type DeliveryBatch } from './messages';
import { planBatches } from './plan';
import { settleProfiles } from './settle-profiles';
import { finalStatus, warningThreshold } from './status';

const PAGE_SIZE = 1000;
/** Pages read per alarm run; the alarm re-arms at once to continue a large send. */
const PAGES_PER_RUN = 10;
/**
 * Batches enqueued and not yet reported before resolving pauses; reports resume it. Keeps the
 * queue backlog bounded however large the audience, yet wide enough for every consumer to work:
 * 250 concurrent invocations (the Queues limit) × max_batch_size 10. A batch stays unreported
 * for the whole invocation that runs it, so a narrower window idles consumers (docs/scale.md).
 */
const MAX_OUTSTANDING = 2500;
/** Progress (counts while Sending) is written at most this often; the final write is exact. */
const PROGRESS_EVERY_MS = 1000;
/** Cloudflare Queues: at most 100 messages and 256 KB per sendBatch. */
const SEND_BATCH_MESSAGES = 100;
const SEND_BATCH_BYTES = 200 * 1024;
/** A send whose batches stop reporting for this long is finalised with what it has. */
const STALE_MS = 15 * 60_000;

/** The coordinator's answer to a consumer about to send a batch. */
export type Admission = { kind: 'send' } | { kind: 'done' } | { kind: 'blocked'; reason: string };

/** Batches of a send enqueued and not yet reported. */
function outstanding(job: Job): number {
  return job.batchesEnqueued - job.batchesReported;
}

export class BackendCoordinator extends DurableObject<Env> {
  #jobs = new Map<number, Job>();
  #finishing = new Set<number>();
  #resolving = new Set<number>();
  /** When each send's progress was last written to D1. */
  #progressAt = new Map<number, number>();
  #progressLater = new Set<number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.list({ prefix: 'job:' });
      for (const value of stored.values()) {
        const job = JobSchema.parse(value);
        this.#jobs.set(job.notificationId, job);
      }
    });
  }

  /** Takes a new notification; it is sent at `dueAt` (now or its sendOn). Idempotent. */
  async submit(notificationId: number, dueAt: number): Promise<void> {
    if (!this.#jobs.has(notificationId)) this.#save(newJob(notificationId, dueAt, Date.now()));
    await this.#armAlarm();
  }

  /**
   * Cancels a send that is still waiting for its sendOn; `started` once it is under way.
   * Unknown ids answer `unknown` (nothing waits for them).
   */
  async cancel(notificationId: number): Promise<'cancelled' | 'started' | 'unknown'> {
    const job = this.#jobs.get(notificationId);
    if (!job) return 'unknown';
    if (job.phase !== 'waiting') return 'started';
    this.#drop(notificationId);
    await this.#armAlarm();
    return 'cancelled';
  }

  /**
   * Whether the consumer should send a batch: not when it was already counted or its send is
   * over, and not to a profile the provider already rejected during this send.
   */
  async admit(notificationId: number, batchId: number, profileId: string): Promise<Admission> {
    const job = this.#jobs.get(notificationId);
    if (!job || (await this.ctx.storage.get(doneKey(notificationId, batchId)))) {
      return { kind: 'done' };
    }
    const reason = job.rejected[profileId];
    return reason === undefined ? { kind: 'send' } : { kind: 'blocked', reason };
  }

  /** Counts one delivered batch; a batch reported twice counts once. */
  async reportBatch(input: BatchReport): Promise<void> {
    const report = BatchReportSchema.parse(input);
    const job = this.#jobs.get(report.notificationId);
    const key = doneKey(report.notificationId, report.batchId);
    if (!job || (await this.ctx.storage.get(key))) return;
    this.ctx.storage.put(key, 1);
    for (const tally of report.tallies) addTally(job, tally.platform, 0, tally.successCount);
    job.firstError ??= report.firstError;
    if (report.rejected) job.rejected[report.profileId] ??= report.rejected;
    const answers = job.answers[report.profileId] ?? { suspects: 0, other: 0 };
    answers.suspects += report.suspects.length;
    answers.other += report.otherAnswers;
    job.answers[report.profileId] = answers;
    if (report.suspects.length > 0) {
      const prefix = suspectsPrefix(report.notificationId, report.profileId);
      this.ctx.storage.put(`${prefix}${report.batchId}`, report.suspects);
    }
    job.batchesReported += 1;
    job.lastActivity = Date.now();
    this.#save(job);
    // Resolving paused at MAX_OUTSTANDING: this report may let it go on.
    if (job.phase === 'resolving') await this.#armAlarm();
    await this.#settle(job);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const due = [...this.#jobs.values()].sort((a, b) => a.dueAt - b.dueAt);
    for (const job of due) {
      if (job.phase === 'waiting' && job.dueAt <= now) await this.#start(job);
      if (job.phase === 'resolving' && !this.#resolving.has(job.notificationId)) {
        // One reader per send, even if alarm() is entered again while this one awaits D1.
        this.#resolving.add(job.notificationId);
        await this.#resolve(job).finally(() => this.#resolving.delete(job.notificationId));
      }
      if (job.phase === 'delivering' && now - job.lastActivity > STALE_MS) {
        job.firstError ??= 'Some deliveries did not report back in time.';
        await this.#finish(job);
      }
    }
    await this.#armAlarm();
  }

  #save(job: Job): void {
    this.#jobs.set(job.notificationId, job);
    this.ctx.storage.put(jobKey(job.notificationId), job);
  }

  async #armAlarm(): Promise<void> {
    let next: number | null = null;
    for (const job of this.#jobs.values()) {
      const at =
        job.phase === 'waiting'
          ? job.dueAt
          : job.phase === 'resolving' && outstanding(job) < MAX_OUTSTANDING
            ? Date.now()
            : job.lastActivity + STALE_MS;
      next = next === null ? at : Math.min(next, at);
    }
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }

  async #start(job: Job): Promise<void> {
    // Claimed before any await, so a cancel arriving meanwhile sees the send has started.
    job.phase = 'resolving';
    job.lastActivity = Date.now();
    this.#save(job);
    const db = drizzle(this.env.DB);
    // One round trip: the row turns Sending only from New or Scheduled (a send deleted or
    // already under way is left alone), and the backend's policies come back with it.
    const [started, [backend]] = await db.batch([
      db
        .update(notifications)
        .set({ status: 'Sending' })
        .where(
          and(
            eq(notifications.id, job.notificationId),
            inArray(notifications.status, ['New', 'Scheduled']),
            sql`EXISTS (SELECT 1 FROM ${backends}
              WHERE ${backends.id} = ${notifications.backendId})`,
          ),
        )
        .returning({ id: notifications.id }),
      db
        .select({ policies: backends.policies })
        .from(notifications)
        .innerJoin(backends, eq(backends.id, notifications.backendId))
        .where(eq(notifications.id, job.notificationId))
        .limit(1),
    ]);
    if (started.length === 0 || !backend) {
      this.#drop(job.notificationId);
      return;
    }
    job.threshold = warningThreshold(backend.policies);
    this.#save(job);
  }

  /** Reads up to PAGES_PER_RUN pages of devices and enqueues their batches. */
  async #resolve(job: Job): Promise<void> {
    const db = drizzle(this.env.DB);
    const [row] = await db
      .select()
      .from(notifications)
      .where(eq(notifications.id, job.notificationId))
      .limit(1);
    if (!row) {
      this.#drop(job.notificationId);
      return;
    }
    const request = StoredRequestSchema.parse(JSON.parse(row.request));
    const payloads = Object.fromEntries(
      PROVIDERS.map((p) => [p, composeFor(p, request)]),
    ) as Record<Provider, Composed>;
    const links = await db
      .select({
        clientId: clientProfiles.clientId,
        provider: clientProfiles.provider,
        id: clientProfiles.profileId,
        version: profiles.modifiedOn,
      })
      .from(clientProfiles)
      .innerJoin(clients, eq(clients.id, clientProfiles.clientId))
      .innerJoin(profiles, eq(profiles.id, clientProfiles.profileId))
      .where(eq(clients.backendId, row.backendId));
    const linked = new Map(links.map((l) => [`${l.clientId}:${l.provider}`, l]));

    for (
      let page = 0;
      page < PAGES_PER_RUN && job.phase === 'resolving' && outstanding(job) < MAX_OUTSTANDING;
      page++
    ) {
      const { devices, next } = await readDevicePage(
        db,
        row.backendId,
        request,
        job.cursor,
        PAGE_SIZE,
      );
      const plan = planBatches(devices, {
        notificationId: job.notificationId,
        backendId: row.backendId,
        firstBatchId: job.batchesEnqueued,
        payloads,
        profiles: linked,
      });
      await this.#enqueue(plan.batches);

      for (const device of devices) addTally(job, device.platform, 1, 0);
      for (const failure of plan.failures) job.firstError ??= failure.reason;
      job.batchesEnqueued += plan.batches.length;
      job.lastActivity = Date.now();
      if (next) job.cursor = next;
      else job.phase = 'delivering';
      this.#save(job);
    }
    await this.#writeProgress(job);
    await this.#settle(job);
  }

  /** One sendBatch per page where it fits: at most 100 messages and 200 KB per call. */
  async #enqueue(batches: DeliveryBatch[]): Promise<void> {
    let call: MessageSendRequest<DeliveryBatch>[] = [];
    let bytes = 0;
    for (const body of batches) {
      const size = new TextEncoder().encode(JSON.stringify(body)).byteLength;
      if (
        call.length === SEND_BATCH_MESSAGES ||
        (call.length > 0 && bytes + size > SEND_BATCH_BYTES)
      ) {
        await this.env.DELIVERIES.sendBatch(call);
        call = [];
        bytes = 0;
      }
      call.push({ body, contentType: 'json' });
      bytes += size;
    }
    if (call.length > 0) await this.env.DELIVERIES.sendBatch(call);
  }

  async #settle(job: Job): Promise<void> {
    if (job.phase === 'delivering' && job.batchesReported >= job.batchesEnqueued) {
      await this.#finish(job);
    } else {
      await this.#writeProgress(job);
    }
  }

  /** Writes the counts so far; within PROGRESS_EVERY_MS of the last write, defers it instead. */
  async #writeProgress(job: Job): Promise<void> {
    const id = job.notificationId;
    const wait = (this.#progressAt.get(id) ?? 0) + PROGRESS_EVERY_MS - Date.now();
    if (wait > 0) {
      if (!this.#progressLater.has(id)) {
        this.#progressLater.add(id);
        setTimeout(() => {
          this.#progressLater.delete(id);
          const current = this.#jobs.get(id);
          if (current && !this.#finishing.has(id)) void this.#writeProgress(current);
        }, wait);
      }
      return;
    }
    this.#progressAt.set(id, Date.now());
    const { deviceCount, successCount } = totals(job);
    await drizzle(this.env.DB)
      .update(notifications)
      .set({ deviceCount, successCount, platformCounts: JSON.stringify(platformCounts(job)) })
      .where(
        and(
          eq(notifications.id, job.notificationId),
          inArray(notifications.status, ['New', 'Scheduled', 'Sending']),
        ),
      );
  }

  async #finish(job: Job): Promise<void> {
    if (this.#finishing.has(job.notificationId)) return;
    this.#finishing.add(job.notificationId);
    const { deviceCount, successCount } = totals(job);
    const rejection = await this.#settleProfiles(job);
    const outcome = finalStatus(
      deviceCount,
      successCount,
      job.threshold,
      job.firstError,
      rejection,
    );
    await drizzle(this.env.DB)
      .update(notifications)
      .set({
        status: outcome.status,
        errorMessage: outcome.errorMessage,
        deviceCount,
        successCount,
        platformCounts: JSON.stringify(platformCounts(job)),
        processedOn: Date.now(),
      })
      .where(eq(notifications.id, job.notificationId));
    log.info('notification.final', {
      notificationId: job.notificationId,
      status: outcome.status,
      deviceCount,
      successCount,
    });
    this.#drop(job.notificationId);
    this.#finishing.delete(job.notificationId);
    this.#progressAt.delete(job.notificationId);
    await this.#armAlarm();
  }

  /** Removes BadDeviceToken devices unless every device of their profile said so (mix-up). */
  async #settleProfiles(job: Job): Promise<string | null> {
    const db = drizzle(this.env.DB);
    const suspects = async (profileId: string) => {
      const prefix = suspectsPrefix(job.notificationId, profileId);
      const batches = await this.ctx.storage.list<string[]>({ prefix });
      return [...batches.values()].flat();
    };
    return settleProfiles(db, job, suspects);
  }

  #drop(notificationId: number): void {
    this.#jobs.delete(notificationId);
    this.ctx.storage.delete(jobKey(notificationId));
    this.ctx.waitUntil(this.#forgetBatches(notificationId));
    this.ctx.waitUntil(forgetSend(drizzle(this.env.DB), notificationId));
  }

  async #forgetBatches(notificationId: number): Promise<void> {
    for (const prefix of [`done:${notificationId}:`, suspectsPrefix(notificationId)]) {
      const keys = [...(await this.ctx.storage.list({ prefix })).keys()];
      for (let i = 0; i < keys.length; i += 128) {
        await this.ctx.storage.delete(keys.slice(i, i + 128));
      }
    }
  }
}

/** The coordinator of a backend: one Durable Object per backend id. */
export function coordinatorOf(env: Env, backendId: string) {
  return env.COORDINATOR.get(env.COORDINATOR.idFromName(backendId));
}
