/** The DELIVERIES queue handler: each message is parsed, delivered, then acked or retried. */

import { log } from '../log';
import type { PLATFORMS } from '../providers/types';
import { coordinatorOf } from './coordinator';
import { deliverBatch, type Invocation, newInvocation } from './deliver';
import { CLAIM_LEASE_MS, ClaimedElsewhere } from './delivery-log';
import { DeliveryBatchSchema, type ParsedDeliveryBatch } from './messages';

/** Must stay below the consumer's max_retries in wrangler.toml. */
const MAX_ATTEMPTS = 4;

/**
 * Handles the messages of a queue batch side by side, so one batch's D1 and coordinator round
 * trips overlap another's requests; provider requests share one limit of 6 in flight.
 */
export async function handleDeliveries(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const invocation = newInvocation();
  await Promise.all(batch.messages.map((message) => handleOne(message, env, invocation)));
}

async function handleOne(
  message: Message<unknown>,
  env: Env,
  invocation: Invocation,
): Promise<void> {
  const parsed = DeliveryBatchSchema.safeParse(message.body);
  if (!parsed.success) {
    log.error('delivery.malformed', { messageId: message.id });
    message.ack();
    return;
  }
  const delivery = parsed.data;
  try {
    await deliverBatch(env, delivery, invocation);
    message.ack();
  } catch (error) {
    if (error instanceof ClaimedElsewhere) {
      // Another copy of this batch is sending, or died holding claims: come back once a lease
      // has run out, so one retry (of max_retries) settles it either way.
      message.retry({ delaySeconds: Math.ceil(CLAIM_LEASE_MS / 1000) + 1 });
      return;
    }
    log.error('delivery.failed', {
      notificationId: delivery.notificationId,
      batchId: delivery.batchId,
      attempt: message.attempts,
      error: error instanceof Error ? error.name : 'unknown',
    });
    if (message.attempts < MAX_ATTEMPTS) {
      message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
      return;
    }
    // Out of attempts: the batch counts as failed so the notification still gets a final status.
    await reportFailed(env, delivery).then(
      () => message.ack(),
      () => message.retry(),
    );
  }
}

async function reportFailed(env: Env, delivery: ParsedDeliveryBatch): Promise<void> {
  const counts = new Map<(typeof PLATFORMS)[number], number>();
  for (const device of delivery.devices) {
    counts.set(device.platform, (counts.get(device.platform) ?? 0) + 1);
  }
  const carried = delivery.carried;
  const tallies = [...counts].map(([platform, deviceCount]) => {
    const before = carried?.tallies.find((t) => t.platform === platform);
    return {
      platform,
      deviceCount: deviceCount + (before?.deviceCount ?? 0),
      successCount: before?.successCount ?? 0,
    };
  });
  for (const before of carried?.tallies ?? []) {
    if (!counts.has(before.platform)) tallies.push(before);
  }
  const coordinator = coordinatorOf(env, delivery.backendId);
  await coordinator.reportBatch({
    notificationId: delivery.notificationId,
    batchId: delivery.batchId,
    profileId: delivery.profileId,
    tallies,
    firstError: carried?.firstError ?? 'The delivery batch failed repeatedly inside the service.',
    rejected: null,
    suspects: carried?.suspects ?? [],
    otherAnswers: carried?.otherAnswers ?? 0,
  });
}
