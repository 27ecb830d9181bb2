/** APNs client (providers.md §1): one POST per device, authorized by a cached ES256 JWT. */
import { importPKCS8, SignJWT } from 'jose';
import { classifyApns, isApnsJwtExpired, isApnsJwtInvalid } from './apns-outcome';
import {
  type ClientContext,
  joinUrl,
  OutcomeError,
  outcomeOf,
  request,
  sendAuthorized,
} from './http';
import { type MintedToken, TokenCache } from './token-cache';
import type { ApnsCredentials, Outcome, ProviderPayload } from './types';

type ApnsPayload = Extract<ProviderPayload, { provider: 'APNS' }>;

/** §1.4: reuse one JWT for 45 minutes (APNs: refresh every 20 to 60 minutes). */
const JWT_REUSE_MS = 45 * 60_000;
const JWT_MIN_AGE_MS = 20 * 60_000;
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Provider JWTs of this isolate, one per (team id, key id). */
const jwts = new TokenCache();

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
  const key = `${credentials.teamId}:${credentials.keyId}`;
  try {
    const sent = await sendAuthorized({
      cache: jwts,
      key,
      mint: () => mintJwt(credentials),
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

/** §1.4 provider token: header {alg, kid}, claims {iss, iat in whole seconds}, nothing else. */
async function mintJwt(credentials: ApnsCredentials): Promise<MintedToken> {
  const now = Date.now();
  const signingKey = await importPKCS8(
    credentials.privateKeyPem.replaceAll('\\n', '\n'),
    'ES256',
  ).catch(() => {
    throw new OutcomeError({
      kind: 'credentials',
      reason: 'APNs private key is not a PKCS#8 P-256 key',
    });
  });
  const value = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: credentials.keyId })
    .setIssuer(credentials.teamId)
    .setIssuedAt(Math.floor(now / 1000))
    .sign(signingKey);
  return { value, useUntil: now + JWT_REUSE_MS };
}
