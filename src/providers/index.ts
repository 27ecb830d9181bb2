/** The provider layer's entry: sends one composed payload to one device with any provider. */
import { sendApns } from './apns';
import { sendFcm } from './fcm';
import { type ClientContext, DEFAULT_TIMEOUT_MS } from './http';
import { sendSyniverse } from './syniverse';
import type { TokenSource } from './token-cache';
import type {
  ApnsCredentials,
  DeliveryTarget,
  Outcome,
  ProfileCredentials,
  ProviderEndpoints,
  ProviderPayload,
} from './types';
import { sendWns } from './wns';

export { isAllowedChannelUri } from './wns';

export type SendContext = {
  endpoints: ProviderEndpoints;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Shared APNs provider JWTs (src/providers/apns-token-keeper.ts); default: per isolate. */
  apnsTokens?: (credentials: ApnsCredentials) => TokenSource;
};

/**
 * Sends one composed payload to one device token; never throws for provider answers (network
 * errors and timeouts become {kind:'retry'}). `messageKey`: stable id of (notification, device).
 */
export async function sendToDevice(
  credentials: ProfileCredentials,
  payload: ProviderPayload,
  target: DeliveryTarget,
  ctx: SendContext,
  messageKey: string,
): Promise<Outcome> {
  const client: ClientContext = {
    endpoints: ctx.endpoints,
    fetch: ctx.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    apnsTokens: ctx.apnsTokens,
  };
  const { token } = target;
  if (credentials.provider === 'APNS' && payload.provider === 'APNS') {
    return sendApns(credentials, payload, token, client, messageKey);
  }
  if (credentials.provider === 'FCM' && payload.provider === 'FCM') {
    return sendFcm(credentials, payload, token, client);
  }
  if (credentials.provider === 'WNS' && payload.provider === 'WNS') {
    return sendWns(credentials, payload, token, client);
  }
  if (credentials.provider === 'SYNIVERSE' && payload.provider === 'SYNIVERSE') {
    return sendSyniverse(credentials, payload, token, client, messageKey);
  }
  return {
    kind: 'bad-message',
    reason: `${payload.provider} payload given ${credentials.provider} credentials`,
  };
}
