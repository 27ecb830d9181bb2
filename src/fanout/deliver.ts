/**
 * The queue consumer's work for one delivery batch: ask the coordinator whether to send, send
 * to each device (at most 6 requests at once, the deployed Workers connection limit), remove
 * devices whose token is dead, re-enqueue the "retry later" ones with a delay, and report the
 * batch once every device is settled.
 */

import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';
import { providerEndpoints } from '../config';
import { log } from '../log';
import { deleteDevicesById } from '../maintenance/delete-pages';
import { loadCredentials } from '../profiles/credentials';
import { sendToDevice } from '../providers';
import { sharedApnsTokens } from '../providers/apns-token-keeper';
import type { Outcome, ProfileCredentials } from '../providers/types';
import { BACKOFF_BASE_SECONDS, settleAttempt } from './batch-outcome';
import { coordinatorOf } from './coordinator';
import { ClaimedElsewhere, logAndClaim, readLog, settled } from './delivery-log';
import { createLimiter, type Limiter } from './limiter';
import { messageKey } from './message-key';
import type { DeliveryBatch, ParsedDeliveryBatch } from './messages';

export const CONCURRENCY = 6;
/** Devices claimed, sent and logged together; a crash mid-chunk resends at most these. */
export const CHUNK = 50;

/**
 * What the batches of one consumer invocation share: a limit of provider requests in flight (a
 * deployed Worker opens at most 6 connections at once), and the profiles a provider rejected
 * during a send, so no batch of that send in the invocation uses them again.
 */
export type Invocation = {
  limit: Limiter;
  /** `${notificationId}:${profileId}` → the rejection. */
  rejected: Map<string, Outcome>;
};

type Device = ParsedDeliveryBatch['devices'][number];

export function newInvocation(): Invocation {
  return { limit: createLimiter(CONCURRENCY), rejected: new Map() };
}

/** Delivers one batch, sharing `invocation` with the other batches handled alongside. */
export async function deliverBatch(
  env: Env,
  batch: ParsedDeliveryBatch,
  invocation: Invocation = newInvocation(),
): Promise<void> {
  const coordinator = coordinatorOf(env, batch.backendId);
  const db = drizzle(env.DB);
  // Read-only, so read alongside the admission (usually from the isolate's cache); a failure
  // to read them matters only to a batch that is admitted.
  const loading = loadCredentials(db, env.CREDENTIALS_KEY, batch.profileId, batch.profileVersion);
  loading.catch(() => {});
  const admission = await coordinator.admit(batch.notificationId, batch.batchId, batch.profileId);
  if (admission.kind === 'done') return;

  let outcomes: Outcome[];
  if (admission.kind === 'blocked') {
    outcomes = batch.devices.map(() => ({ kind: 'credentials', reason: admission.reason }));
  } else {
    const credentials = await loading;
    outcomes = credentials
      ? await sendOnce(env, db, credentials, batch, invocation)
      : batch.devices.map(() => ({
          kind: 'credentials',
          reason: 'The notification profile no longer exists.',
        }));
  }

  const backoff = { jitter: Math.random(), baseSeconds: retryBaseSeconds(env) };
  const result = settleAttempt(batch.devices, outcomes, batch.attempt, batch.carried, backoff);
  await deleteDevicesById(db, result.dead);
  if (result.dead.length > 0) {
    log.info('devices.removed', {
      notificationId: batch.notificationId,
      count: result.dead.length,
    });
  }

  if (result.retry.deviceIds.length > 0) {
    const waiting = new Set(result.retry.deviceIds);
    const next: DeliveryBatch = {
      ...batch,
      devices: batch.devices.filter((d) => waiting.has(d.id)),
      attempt: batch.attempt + 1,
      carried: result.settled,
    };
    await env.DELIVERIES.send(next, {
      contentType: 'json',
      delaySeconds: result.retry.delaySeconds,
    });
    return;
  }

  await coordinator.reportBatch({
    notificationId: batch.notificationId,
    batchId: batch.batchId,
    profileId: batch.profileId,
    tallies: result.settled.tallies,
    firstError: result.settled.firstError,
    rejected: result.rejected,
    suspects: result.settled.suspects,
    otherAnswers: result.settled.otherAnswers,
  });
}

function retryBaseSeconds(env: Env): number {
  const configured = Number(env.RETRY_BACKOFF_BASE_SECONDS);
  return env.RETRY_BACKOFF_BASE_SECONDS !== '' && configured >= 0
    ? configured
    : BACKOFF_BASE_SECONDS;
}

/**
 * Sends to the devices the delivery log does not already settle, in chunks of CHUNK devices:
 * each chunk is claimed before it is sent, and its outcomes are logged in the same round trip
 * as the next chunk's claim. So a redelivery resends at most the one chunk that was in flight
 * when this invocation died, a concurrent copy of the batch never sends to the same device, and
 * the log costs three D1 round trips per 100-device batch. Stops at rejected credentials.
 */
async function sendOnce(
  env: Env,
  db: DrizzleD1Database,
  credentials: ProfileCredentials,
  batch: ParsedDeliveryBatch,
  { limit, rejected }: Invocation,
): Promise<Outcome[]> {
  const ctx = {
    endpoints: providerEndpoints(env),
    apnsTokens: (c: Parameters<typeof sharedApnsTokens>[1]) => sharedApnsTokens(env.APNS_TOKENS, c),
  };
  const { notificationId, attempt } = batch;
  const sendKey = `${notificationId}:${batch.profileId}`;
  const outcomes: (Outcome | undefined)[] = batch.devices.map(() => undefined);
  const sendTo = async (device: Device): Promise<Outcome> => {
    const key = await messageKey(notificationId, device.id);
    const target = { deviceId: device.id, token: device.token };
    const send = async (): Promise<Outcome> => {
      // Checked once a request slot is free: a rejection may have arrived meanwhile.
      const known = rejected.get(sendKey);
      if (known) return known;
      const outcome = await sendToDevice(credentials, batch.payload, target, ctx, key);
      if (outcome.kind === 'credentials') rejected.set(sendKey, outcome);
      return outcome;
    };
    // One device's unexpected failure must not fail (and so resend) the whole batch.
    return limit(send).catch(
      (): Outcome => ({ kind: 'retry', reason: `${credentials.provider} send failed` }),
    );
  };

  let toLog: { deviceId: string; outcome: Outcome }[] = [];
  for (let start = 0; start < batch.devices.length; start += CHUNK) {
    const chunk = batch.devices.slice(start, start + CHUNK);
    const claim = await logAndClaim(
      env.DB,
      notificationId,
      attempt,
      toLog,
      chunk.map((d) => d.id),
    );
    const sending: { device: Device; index: number }[] = [];
    chunk.forEach((device, i) => {
      if (claim.mine.has(device.id)) sending.push({ device, index: start + i });
      else outcomes[start + i] = settled(claim.logged.get(device.id), attempt);
    });
    const results = await Promise.all(sending.map(({ device }) => sendTo(device)));
    toLog = sending.map(({ device, index }, i) => {
      const outcome = results[i] ?? { kind: 'retry', reason: 'not sent' };
      outcomes[index] = outcome;
      return { deviceId: device.id, outcome };
    });
  }
  await logAndClaim(env.DB, notificationId, attempt, toLog, []);

  // Devices another delivery claimed: use what it logged, or wait for it to finish.
  const elsewhere = batch.devices.filter((_, index) => outcomes[index] === undefined);
  if (elsewhere.length > 0) {
    const after = await readLog(
      db,
      notificationId,
      elsewhere.map((d) => d.id),
    );
    batch.devices.forEach((device, index) => {
      outcomes[index] ??= settled(after.get(device.id), attempt);
    });
    const unsettled = outcomes.filter((o) => o === undefined).length;
    if (unsettled > 0) throw new ClaimedElsewhere(unsettled);
  }
  return outcomes.map((o) => o ?? { kind: 'retry', reason: 'not sent' });
}
