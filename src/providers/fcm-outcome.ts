/** What an FCM HTTP v1 answer means for the device and the send (providers.md §2.4 and §7). */
import { z } from 'zod';
import { type AnswerHeaders, providerCode, reasonOf, retry } from './classify';
import type { Outcome } from './types';

const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';

const StatusSchema = z.object({
  error: z.object({
    message: z.unknown().optional(),
    status: z.unknown().optional(),
    details: z.array(z.unknown()).optional(),
  }),
});

const DetailSchema = z.object({ '@type': z.string(), errorCode: z.unknown().optional() });

/** The parts of a google.rpc.Status body that decide the class. */
export type FcmError = { errorCode?: string; status?: string; message: string };

/** Reads the FcmError detail's errorCode (§2.4: it wins over `error.status`), status, message. */
export function fcmError(body: unknown): FcmError {
  const parsed = StatusSchema.safeParse(body);
  if (!parsed.success) return { message: '' };
  const { message, status, details = [] } = parsed.data.error;
  const fcmDetail = details
    .map((detail) => DetailSchema.safeParse(detail))
    .find((detail) => detail.success && detail.data['@type'] === FCM_ERROR_TYPE);
  return {
    errorCode: fcmDetail?.success ? providerCode(fcmDetail.data.errorCode) : undefined,
    status: providerCode(status),
    message: typeof message === 'string' ? message : '',
  };
}

/** Codes that blame the project's setup (§2.4): wrong sender, APNs/web key in Firebase. */
const CONFIG_CODES = new Set(['SENDER_ID_MISMATCH', 'THIRD_PARTY_AUTH_ERROR', 'APNS_AUTH_ERROR']);

/** True for 401 UNAUTHENTICATED (our OAuth access token): fetch a new one and resend once. */
export function isFcmAccessTokenRejected(status: number, body: unknown): boolean {
  return status === 401 && (fcmError(body).errorCode ?? 'UNAUTHENTICATED') === 'UNAUTHENTICATED';
}

/**
 * Classifies one FCM answer row by row (§7). A 401 reaching this function already failed with a
 * fresh access token: credentials.
 */
export function classifyFcm(status: number, body: unknown, headers: AnswerHeaders): Outcome {
  if (status === 200) return { kind: 'accepted' };
  const error = fcmError(body);
  const code = error.errorCode ?? error.status;
  const reason = reasonOf('FCM', status, code);

  if (status === 404 && error.errorCode === 'UNREGISTERED') return { kind: 'dead', reason };
  if (
    status === 400 &&
    error.errorCode === 'INVALID_ARGUMENT' &&
    /not a valid FCM registration token/i.test(error.message)
  ) {
    return { kind: 'dead', reason: `${reason} (invalid registration token)` };
  }
  if (code && CONFIG_CODES.has(code)) return { kind: 'credentials', reason };
  // 401 after a fresh token, 403 PERMISSION_DENIED, 404 without FcmError (wrong project).
  if (status === 401 || status === 403 || status === 404) return { kind: 'credentials', reason };
  // §2.4: honour Retry-After; without it, QUOTA_EXCEEDED waits a minute.
  if (status === 429 || code === 'QUOTA_EXCEEDED') return retry(reason, headers, 60);
  if (status >= 500) return retry(reason, headers);
  // 400 with google.rpc.BadRequest (payload), 413 and anything else unexpected.
  return { kind: 'bad-message', reason };
}
