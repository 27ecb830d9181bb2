/**
 * Worker entry: wires the HTTP app, the delivery queue consumer, the daily registry prune and the
 * Durable Object classes.
 */
import { app } from './app';
import { handleDeliveries } from './fanout/consumer';
import { runScheduledPrune } from './maintenance/prune';

export { BackendCoordinator } from './fanout/coordinator';
export { ApnsTokenKeeper } from './providers/apns-token-keeper';

export default {
  fetch: app.fetch,
  queue: handleDeliveries,
  scheduled: runScheduledPrune,
} satisfies ExportedHandler<Env>;
