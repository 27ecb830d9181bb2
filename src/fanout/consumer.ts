/** The DELIVERIES queue handler: each message is parsed, delivered and reported, then acked. */
import { log } from '../log';
import { deliverBatch } from './deliver';
import { type DeliveryBatch, DeliveryBatchSchema } from './messages';

/** Must stay below the consumer's max_retries in wrangler.toml. */
const MAX_ATTEMPTS = 4;

export async function handleDeliveries(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = DeliveryBatchSchema.safeParse(message.body);
    if (!parsed.success) {
      log.error('delivery.malformed', { messageId: message.id });
      message.ack();
      continue;
    }
    const delivery = parsed.data;
    try {
      const report = await deliverBatch(env, delivery);
      const coordinator = env.COORDINATOR.get(env.COORDINATOR.idFromName(delivery.backendId));
      await coordinator.reportBatch(report);
      message.ack();
    } catch (error) {
      log.error('delivery.failed', {
        notificationId: delivery.notificationId,
        batchId: delivery.batchId,
        attempt: message.attempts,
        error: error instanceof Error ? error.name : 'unknown',
      });
      if (message.attempts < MAX_ATTEMPTS) {
        message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
        continue;
      }
      // Out of attempts: the batch counts as failed so the notification still gets a final status.
      await reportFailed(env, delivery).then(
        () => message.ack(),
        () => message.retry(),
      );
    }
  }
}

async function reportFailed(env: Env, delivery: DeliveryBatch): Promise<void> {
  const tallies = new Map<DeliveryBatch['devices'][number]['platform'], number>();
  for (const device of delivery.devices) {
    tallies.set(device.platform, (tallies.get(device.platform) ?? 0) + 1);
  }
  const coordinator = env.COORDINATOR.get(env.COORDINATOR.idFromName(delivery.backendId));
  await coordinator.reportBatch({
    notificationId: delivery.notificationId,
    batchId: delivery.batchId,
    tallies: [...tallies].map(([platform, deviceCount]) => ({
      platform,
      deviceCount,
      successCount: 0,
    })),
    firstError: 'The delivery batch failed repeatedly inside the service.',
  });
}
