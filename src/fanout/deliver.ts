/**
 * The queue consumer's work for one delivery batch: ask the coordinator whether to send, send
 * to each device (at most 6 requests at once, the deployed Workers connection limit), remove
 * devices whose token is dead, re-enqueue the "retry later" ones with a delay, and report the
 * batch once every device is settled.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { providerEndpoints } from '../config';
import { devices } from '../db/schema';
import { log } from '../log';
import { loadCredentials } from '../profiles/credentials';
import { sendToDevice } from '../providers';
import { sharedApnsTokens } from '../providers/apns-token-keeper';
import type { Outcome, ProfileCredentials } from '../providers/types';
import { BACKOFF_BASE_SECONDS, settleAttempt } from './batch-outcome';
import { messageKey } from './message-key';
import type { DeliveryBatch, ParsedDeliveryBatch } from './messages';

export const CONCURRENCY = 6;
const DELETE_CHUNK = 90;

export async function deliverBatch(env: Env, batch: ParsedDeliveryBatch): Promise<void> {
  const coordinator = env.COORDINATOR.get(env.COORDINATOR.idFromName(batch.backendId));
  const admission = await coordinator.admit(batch.notificationId, batch.batchId, batch.profileId);
  if (admission.kind === 'done') return;

  const db = drizzle(env.DB);
  let outcomes: Outcome[];
  if (admission.kind === 'blocked') {
    outcomes = batch.devices.map(() => ({ kind: 'credentials', reason: admission.reason }));
  } else {
    const credentials = await loadCredentials(db, env.CREDENTIALS_KEY, batch.profileId);
    outcomes = credentials
      ? await sendAll(env, credentials, batch)
      : batch.devices.map(() => ({
          kind: 'credentials',
          reason: 'The notification profile no longer exists.',
        }));
  }

  const backoff = { jitter: Math.random(), baseSeconds: retryBaseSeconds(env) };
  const result = settleAttempt(batch.devices, outcomes, batch.attempt, batch.carried, backoff);
  for (let i = 0; i < result.dead.length; i += DELETE_CHUNK) {
    const ids = result.dead.slice(i, i + DELETE_CHUNK);
    await db
      .delete(devices)
      .where(and(eq(devices.backendId, batch.backendId), inArray(devices.id, ids)));
  }
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

/** Sends to every device of the batch, 6 at a time; stops at the first rejected credentials. */
async function sendAll(
  env: Env,
  credentials: ProfileCredentials,
  batch: ParsedDeliveryBatch,
): Promise<Outcome[]> {
  const ctx = {
    endpoints: providerEndpoints(env),
    apnsTokens: (c: Parameters<typeof sharedApnsTokens>[1]) => sharedApnsTokens(env.APNS_TOKENS, c),
  };
  const outcomes: Outcome[] = new Array(batch.devices.length);
  let stopped: Outcome | null = null;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < batch.devices.length; i = next++) {
      const device = batch.devices[i];
      if (!device) continue;
      if (stopped) {
        outcomes[i] = stopped;
        continue;
      }
      const key = await messageKey(batch.notificationId, device.id);
      const target = { deviceId: device.id, token: device.token };
      // One device's unexpected failure must not fail (and so resend) the whole batch.
      const outcome = await sendToDevice(credentials, batch.payload, target, ctx, key).catch(
        (): Outcome => ({ kind: 'retry', reason: `${credentials.provider} send failed` }),
      );
      outcomes[i] = outcome;
      if (outcome.kind === 'credentials') stopped = outcome;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}
