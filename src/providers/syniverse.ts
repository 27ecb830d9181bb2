/** Syniverse SCG client (providers.md §4): one message request per phone number. */
import { sha256Hex } from '../crypto/encoding';
import { type ClientContext, joinUrl, OutcomeError, outcomeOf, request } from './http';
import { classifySyniverse, syniverseCode } from './syniverse-outcome';
import { type MintedToken, TokenCache } from './token-cache';
import type { Outcome, ProviderPayload, SyniverseCredentials } from './types';

type SyniversePayload = Extract<ProviderPayload, { provider: 'SYNIVERSE' }>;

/** App tokens of this isolate per sender, starting with the profile's own. */
const appTokens = new TokenCache();
/** Cache keys by credentials object (one per profile version; see loadCredentials). */
const tokenKeys = new WeakMap<SyniverseCredentials, string>();

/**
 * The app-token cache key of a profile: its sender and its own token, hashed (keys are never
 * secrets), so two profiles of one sender never share a token. Hashed once per credentials.
 */
async function tokenKey(credentials: SyniverseCredentials): Promise<string> {
  const known = tokenKeys.get(credentials);
  if (known) return known;
  const tokenHash = (await sha256Hex(credentials.appToken)).slice(0, 16);
  const key = `syniverse:${credentials.from}:${tokenHash}`;
  tokenKeys.set(credentials, key);
  return key;
}

/**
 * Sends `payload` as an SMS to one E.164 number; `messageKey` goes out as `external_id` (§4.2:
 * SCG has no idempotency key, so it is how a resend after a timeout can be traced). An expired
 * app token (401, or 404 SCG_ERROR_4046) is refreshed once when the profile has the consumer
 * key and secret, and the message resent once (§4.1).
 */
export async function sendSyniverse(
  credentials: SyniverseCredentials,
  payload: SyniversePayload,
  phoneNumber: string,
  ctx: ClientContext,
  messageKey: string,
): Promise<Outcome> {
  const key = await tokenKey(credentials);
  const initial = async (): Promise<MintedToken> => ({
    value: credentials.appToken,
    useUntil: Number.MAX_SAFE_INTEGER,
  });
  try {
    const token = await appTokens.get(key, initial);
    let answer = await post(credentials, payload, phoneNumber, ctx, messageKey, token);
    if (answer.kind === 'answer' && isExpiredToken(answer.status, answer.body)) {
      const { consumerKey, consumerSecret } = credentials;
      if (consumerKey && consumerSecret) {
        appTokens.drop(key, token);
        const fresh = await appTokens.get(key, () =>
          refreshAppToken(ctx, consumerKey, consumerSecret, token),
        );
        answer = await post(credentials, payload, phoneNumber, ctx, messageKey, fresh);
      }
    }
    if (answer.kind === 'retry') return answer;
    return classifySyniverse(answer.status, answer.body, {
      retryAfter: answer.headers.get('retry-after'),
    });
  } catch (error) {
    return outcomeOf(error);
  }
}

function post(
  credentials: SyniverseCredentials,
  payload: SyniversePayload,
  phoneNumber: string,
  ctx: ClientContext,
  messageKey: string,
  token: string,
) {
  const url = joinUrl(ctx.endpoints.syniverseUrl, '/messaging/message_requests');
  return request(ctx, 'Syniverse', url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      from: credentials.from,
      to: [phoneNumber],
      body: payload.text,
      external_id: messageKey,
      consent_requirement: credentials.consentRequirement,
    }),
  });
}

/** 401 (token refused) or HTTP 404 with SCG_ERROR_4046, "access token expired" (§4.1). */
function isExpiredToken(status: number, body: unknown): boolean {
  return status === 401 || (status === 404 && syniverseCode(body) === 'SCG_ERROR_4046');
}

/** GET apptoken-refresh (§4.1): `validityTime` is in ms, 0 means it never expires. */
async function refreshAppToken(
  ctx: ClientContext,
  consumerKey: string,
  consumerSecret: string,
  oldToken: string,
): Promise<MintedToken> {
  const url = new URL(ctx.endpoints.syniverseTokenUrl);
  url.searchParams.set('consumerkey', consumerKey);
  url.searchParams.set('consumersecret', consumerSecret);
  url.searchParams.set('oldtoken', oldToken);
  const answer = await request(ctx, 'Syniverse', url.toString(), { method: 'GET' });
  if (answer.kind === 'retry') throw new OutcomeError(answer);
  const body = answer.body as { accessToken?: unknown; validityTime?: unknown } | undefined;
  if (answer.status !== 200 || typeof body?.accessToken !== 'string') {
    throw new OutcomeError({
      kind: 'credentials',
      reason: `Syniverse apptoken-refresh ${answer.status}`,
    });
  }
  const validity = typeof body.validityTime === 'number' ? body.validityTime : 0;
  const useUntil = validity > 0 ? Date.now() + validity - 60_000 : Number.MAX_SAFE_INTEGER;
  return { value: body.accessToken, useUntil };
}
