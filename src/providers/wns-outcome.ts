/** What a WNS answer means for the channel and the send (providers.md §3.3 and §7). */
import { type AnswerHeaders, reasonOf, retry } from './classify';
import type { Outcome } from './types';

/** WNS reports through headers: `X-WNS-Status`, `X-WNS-Error-Description`, `Retry-After`. */
export type WnsAnswerHeaders = AnswerHeaders & {
  wnsStatus?: string | null;
  errorDescription?: string | null;
};

/**
 * Classifies one WNS answer row by row (§7). 200 is accepted only when `X-WNS-Status` is
 * `received` or absent: `channelthrottled` is retried; `dropped` (the client rejected the kind
 * of notification, or an offline toast) is neither retried nor a dead channel, so bad-message.
 * A 401 reaching this function already failed with a fresh access token: credentials.
 */
export function classifyWns(status: number, headers: WnsAnswerHeaders): Outcome {
  if (status === 200) {
    const wnsStatus = headers.wnsStatus?.trim().toLowerCase();
    if (wnsStatus === 'channelthrottled') return retry('WNS 200 channelthrottled', headers);
    if (wnsStatus === 'dropped') return { kind: 'bad-message', reason: 'WNS 200 dropped' };
    return { kind: 'accepted' };
  }
  if (status === 410 && /domain\s*blocked/i.test(headers.errorDescription ?? '')) {
    return { kind: 'credentials', reason: 'WNS 410 Domain Blocked' };
  }
  const reason = reasonOf('WNS', status);
  if (status === 404 || status === 410) return { kind: 'dead', reason };
  if (status === 401 || status === 403) return { kind: 'credentials', reason };
  if (status === 406 || status === 429 || status >= 500) return retry(reason, headers);
  // 400, 405, 413 and anything else unexpected.
  return { kind: 'bad-message', reason };
}
