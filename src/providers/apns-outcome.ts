/** What an APNs answer means for the device and the send (providers.md §1.5 and §7). */
import { z } from 'zod';
import { type AnswerHeaders, providerCode, reasonOf, retry } from './classify';
import type { Outcome } from './types';

const ApnsErrorSchema = z.object({ reason: z.unknown() });

/** Reasons under which APNs answers 400 for a profile's setup rather than for one message. */
const CONFIG_REASONS = new Set([
  'BadTopic',
  'TopicDisallowed',
  'MissingTopic',
  // The token belongs to another app: our bundle id or the device's record is wrong, not dead.
  'DeviceTokenNotForTopic',
]);

/** The `reason` of an APNs error body, when it is a readable code. */
export function apnsReason(body: unknown): string | undefined {
  const error = ApnsErrorSchema.safeParse(body);
  return error.success ? providerCode(error.data.reason) : undefined;
}

/** True for 403 ExpiredProviderToken (§1.4): mint a new JWT and resend once. */
export function isApnsJwtExpired(status: number, body: unknown): boolean {
  return status === 403 && apnsReason(body) === 'ExpiredProviderToken';
}

/** True for 403 InvalidProviderToken: the cached JWT must not be sent again. */
export function isApnsJwtInvalid(status: number, body: unknown): boolean {
  return status === 403 && apnsReason(body) === 'InvalidProviderToken';
}

/**
 * Classifies one APNs answer row by row (§7). 403 ExpiredProviderToken reaching this function
 * already failed with a fresh JWT, so it is our clock or key: credentials.
 */
export function classifyApns(status: number, body: unknown, headers: AnswerHeaders): Outcome {
  if (status === 200) return { kind: 'accepted' };
  const code = apnsReason(body);
  const reason = reasonOf('APNs', status, code);

  if (status === 410) return { kind: 'dead', reason };
  // Every token of a send answering this means a sandbox/production mix-up (§7 guard rail).
  if (status === 400 && code === 'BadDeviceToken') return { kind: 'dead', reason, ambiguous: true };
  if (status === 400 && code === 'IdleTimeout') return retry(reason, headers);
  if (status === 400 && code && CONFIG_REASONS.has(code)) return { kind: 'credentials', reason };
  if (status === 403) return { kind: 'credentials', reason };
  if (status === 429 && code === 'TooManyProviderTokenUpdates') {
    return { kind: 'credentials', reason };
  }
  if (status === 429 || status >= 500) return retry(reason, headers);
  // 400 Bad*/DuplicateHeaders/InvalidPushType/PayloadEmpty/Missing*, 404, 405, 413, others.
  return { kind: 'bad-message', reason };
}
