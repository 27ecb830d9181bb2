/** Worker entry: wires the HTTP app, the delivery queue consumer and the coordinator class. */
import { app } from './app';
import { handleDeliveries } from './fanout/consumer';

export { BackendCoordinator } from './fanout/coordinator';
export { ApnsTokenKeeper } from './providers/apns-token-keeper';

export default {
  fetch: app.fetch,
  queue: handleDeliveries,
} satisfies ExportedHandler<Env>;
