/** APNs client (providers.md §1): one POST per device, authorized by a cached ES256 JWT. */

import { apnsKeyId, JWT_MIN_AGE_MS, mintApnsJwt } from './apns-jwt';
import { classifyApns, isApnsJwtExpired, isApnsJwtInvalid } from './apns-outcome';
import { type ClientContext, joinUrl, outcomeOf, request, sendAuthorized } from './http';
import { TokenCache } from './token-cache';
import type { ApnsCredentials, Outcome, ProviderPayload } from './types';

type ApnsPayload = Extract<ProviderPayload, { provider: 'APNS' }>;

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Provider JWTs of this isolate, one per (team id, key id), when no shared source is given. */
const isolateJwts = new TokenCache();

/** Sends `payload` to one APNs device token; `messageKey` becomes `apns-id` when it is a UUID. */
export async function sendApns(
  credentials: ApnsCredentials,
  payload: ApnsPayload,
  token: string,
  ctx: ClientContext,
  messageKey: string,
): Promise<Outcome> {
  const base =
    credentials.environment === 'production'
      ? ctx.endpoints.apnsProductionUrl
      : ctx.endpoints.apnsDevelopmentUrl;
  const url = joinUrl(base, `/3/device/${encodeURIComponent(token)}`);
  const key = apnsKeyId(credentials);
  const jwts = ctx.apnsTokens?.(credentials) ?? isolateJwts;
  try {
    const sent = await sendAuthorized({
      cache: jwts,
      key,
      mint: () => mintApnsJwt(credentials),
      send: (jwt) =>
        request(ctx, 'APNs', url, {
          method: 'POST',
          headers: apnsHeaders(credentials, payload, jwt, messageKey),
          body: payload.body,
        }),
      isRefused: (answer) => isApnsJwtExpired(answer.status, answer.body),
      minAgeMs: JWT_MIN_AGE_MS,
    });
    const { answer } = sent;
    if (answer.kind === 'retry') return answer;
    // A corrected key in the profile must not wait for the refused JWT to age out.
    if (isApnsJwtInvalid(answer.status, answer.body)) jwts.drop(key, sent.token);
    return classifyApns(answer.status, answer.body, {
      retryAfter: answer.headers.get('retry-after'),
    });
  } catch (error) {
    return outcomeOf(error);
  }
}

/** §1.2 request headers; the topic is the bundle id for the alert and background push types. */
function apnsHeaders(
  credentials: ApnsCredentials,
  payload: ApnsPayload,
  jwt: string,
  messageKey: string,
): Record<string, string> {
  return {
    authorization: `bearer ${jwt}`,
    'apns-topic': credentials.bundleId,
    'apns-push-type': payload.pushType,
    'apns-priority': String(payload.priority),
    'content-type': 'application/json',
    ...(CANONICAL_UUID.test(messageKey) ? { 'apns-id': messageKey } : {}),
  };
}
