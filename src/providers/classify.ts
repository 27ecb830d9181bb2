/**
 * Pure helpers shared by the per-provider outcome classifiers (providers.md §7): Retry-After,
 * safe provider codes for reasons, and token-endpoint answers (§2.1, §3.1).
 */
import { z } from 'zod';
import type { Outcome } from './types';

export type RetryOutcome = Extract<Outcome, { kind: 'retry' }>;

/** Response headers a classifier reads; absent and null mean the same. */
export type AnswerHeaders = { retryAfter?: string | null };

const DAY_NAME = /^(mon|tue|wed|thu|fri|sat|sun)/i;

/**
 * Seconds to wait from a `Retry-After` value: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  if (!DAY_NAME.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** A retry Outcome, with `retryAfterSeconds` from the header, else `fallbackSeconds` if given. */
export function retry(
  reason: string,
  headers: AnswerHeaders,
  fallbackSeconds?: number,
): RetryOutcome {
  const seconds = parseRetryAfter(headers.retryAfter) ?? fallbackSeconds;
  return seconds === undefined
    ? { kind: 'retry', reason }
    : { kind: 'retry', reason, retryAfterSeconds: seconds };
}

/**
 * A provider error code fit for a reason string: short and made of code characters only, so a
 * reason never carries a token, a secret or free text.
 */
export function providerCode(value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(text)) return undefined;
  return text;
}

/** `<label> <status>` followed by the provider's code when it has a readable one. */
export function reasonOf(label: string, status: number, code?: string): string {
  return code ? `${label} ${status} ${code}` : `${label} ${status}`;
}

const TokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
});

const OAuthErrorSchema = z.object({ error: z.unknown() });

/** An access token from an OAuth token endpoint, or why the send cannot go on. */
export type TokenAnswer =
  | { kind: 'token'; accessToken: string; expiresInSeconds: number }
  | Exclude<Outcome, { kind: 'accepted' }>;

/**
 * Reads an OAuth token endpoint's answer (Google §2.1, login.live.com and Entra §3.1): 429 and 5xx
 * are retried; any other refusal (400 invalid_grant, 401 invalid_client, …) is bad credentials.
 */
export function classifyTokenAnswer(
  label: string,
  status: number,
  body: unknown,
  headers: AnswerHeaders,
): TokenAnswer {
  if (status === 200) {
    const token = TokenSchema.safeParse(body);
    if (token.success) {
      const { access_token: accessToken, expires_in: expiresInSeconds } = token.data;
      return { kind: 'token', accessToken, expiresInSeconds };
    }
    return { kind: 'retry', reason: `${label} 200 without an access token` };
  }
  if (status === 429 || status >= 500) return retry(reasonOf(label, status), headers);
  const error = OAuthErrorSchema.safeParse(body);
  const code = error.success ? providerCode(error.data.error) : undefined;
  return { kind: 'credentials', reason: reasonOf(label, status, code) };
}
