/**
 * The queue consumer's work for one delivery batch: send to each device (at most 6 requests at
 * once, the deployed Workers connection limit), remove devices whose token is dead, and report
 * the batch's tallies to the backend's coordinator.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { providerEndpoints } from '../config';
import { devices } from '../db/schema';
import { log } from '../log';
import { loadCredentials } from '../profiles/credentials';
import { sendToDevice } from '../providers';
import type { Outcome, Platform } from '../providers/types';
import { messageKey } from './message-key';
import type { BatchReport, DeliveryBatch } from './messages';

export const CONCURRENCY = 6;
const DELETE_CHUNK = 90;

export async function deliverBatch(env: Env, batch: DeliveryBatch): Promise<BatchReport> {
  const db = drizzle(env.DB);
  const credentials = await loadCredentials(db, env.CREDENTIALS_KEY, batch.profileId);
  const outcomes: Outcome[] = new Array(batch.devices.length);

  if (!credentials) {
    outcomes.fill({ kind: 'credentials', reason: 'The notification profile no longer exists.' });
  } else {
    const ctx = { endpoints: providerEndpoints(env) };
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
        const outcome = await sendToDevice(credentials, batch.payload, target, ctx, key);
        outcomes[i] = outcome;
        // Rejected credentials will not work for the rest of the batch either.
        if (outcome.kind === 'credentials') stopped = outcome;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  const dead = batch.devices.filter((_, i) => outcomes[i]?.kind === 'dead').map((d) => d.id);
  for (let i = 0; i < dead.length; i += DELETE_CHUNK) {
    await db
      .delete(devices)
      .where(
        and(
          eq(devices.backendId, batch.backendId),
          inArray(devices.id, dead.slice(i, i + DELETE_CHUNK)),
        ),
      );
  }

  const tallies = new Map<Platform, { deviceCount: number; successCount: number }>();
  let firstError: string | null = null;
  batch.devices.forEach((device, i) => {
    const outcome = outcomes[i];
    const tally = tallies.get(device.platform) ?? { deviceCount: 0, successCount: 0 };
    tally.deviceCount += 1;
    if (outcome?.kind === 'accepted') tally.successCount += 1;
    else firstError ??= outcome?.reason ?? 'not sent';
    tallies.set(device.platform, tally);
  });
  if (dead.length > 0) {
    log.info('devices.removed', { notificationId: batch.notificationId, count: dead.length });
  }
  return {
    notificationId: batch.notificationId,
    batchId: batch.batchId,
    tallies: [...tallies].map(([platform, tally]) => ({ platform, ...tally })),
    firstError,
  };
}
