/**
 * One outgoing provider request with a timeout (providers.md §0: an AbortController and a cleared
 * timer, not AbortSignal.timeout, which keeps a Durable Object awake for the whole timeout).
 */
import { classifyTokenAnswer, type RetryOutcome } from './classify';
import { accessTokenUseUntil, type MintedToken, type TokenSource } from './token-cache';
import type { ApnsCredentials, Outcome, ProviderEndpoints } from './types';

/** How provider requests leave the Worker; `fetch` is injectable for tests. */
export type Transport = { fetch: typeof fetch; timeoutMs: number };

/** What every provider client is given besides credentials and payload. */
export type ClientContext = Transport & {
  endpoints: ProviderEndpoints;
  /** Where APNs provider JWTs come from; default: this isolate's cache. */
  apnsTokens?: (credentials: ApnsCredentials) => TokenSource;
};

/** A provider's answer, body parsed as JSON when it is JSON, else the raw text. */
export type HttpAnswer = { kind: 'answer'; status: number; headers: Headers; body: unknown };

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Sends one request without following redirects; the timeout covers the headers and the body.
 * A network error or a timeout is a retry Outcome whose reason names only `label`.
 */
export async function request(
  transport: Transport,
  label: string,
  url: string,
  init: RequestInit,
): Promise<HttpAnswer | RetryOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), transport.timeoutMs);
  try {
    const response = await transport.fetch(url, {
      ...init,
      redirect: 'manual',
      signal: controller.signal,
    });
    const text = await response.text();
    return {
      kind: 'answer',
      status: response.status,
      headers: response.headers,
      body: parse(text),
    };
  } catch {
    // The error text may carry the URL, which holds the device token for APNs and WNS.
    const reason = controller.signal.aborted
      ? `${label} timeout after ${transport.timeoutMs} ms`
      : `${label} network error`;
    return { kind: 'retry', reason };
  } finally {
    clearTimeout(timer);
  }
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Thrown inside a client to end the send with `outcome` (e.g. a failed token endpoint). */
export class OutcomeError extends Error {
  constructor(readonly outcome: Exclude<Outcome, { kind: 'accepted' }>) {
    super(outcome.reason);
  }
}

/** Returns the Outcome an OutcomeError carries; rethrows anything else. */
export function outcomeOf(error: unknown): Outcome {
  if (error instanceof OutcomeError) return error.outcome;
  throw error;
}

/** `base` (a configured provider URL, trailing slashes ignored) followed by `path`. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/**
 * POSTs an OAuth client-credentials or JWT-bearer form (providers.md §2.1, §3.1) and returns the
 * access token to cache; throws an OutcomeError (retry or credentials) when there is none.
 */
export async function fetchAccessToken(
  transport: Transport,
  label: string,
  url: string,
  form: Record<string, string>,
): Promise<MintedToken> {
  const answer = await request(transport, label, url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  if (answer.kind === 'retry') throw new OutcomeError(answer);
  const retryAfter = answer.headers.get('retry-after');
  const token = classifyTokenAnswer(label, answer.status, answer.body, { retryAfter });
  if (token.kind !== 'token') throw new OutcomeError(token);
  return {
    value: token.accessToken,
    useUntil: accessTokenUseUntil(token.expiresInSeconds, Date.now()),
  };
}

/** One authorized send: which cache entry, how to mint it, how to send with it. */
export type AuthorizedSend = {
  cache: TokenSource;
  key: string;
  mint: () => Promise<MintedToken>;
  send: (token: string) => Promise<HttpAnswer | RetryOutcome>;
  /** True when the provider refused the token itself (expired or revoked). */
  isRefused: (answer: HttpAnswer) => boolean;
  /** A refused token younger than this is not replaced (APNs §1.4: ≤ one new JWT per 20 min). */
  minAgeMs?: number;
};

/**
 * Sends with the cached token; when the provider refuses it, replaces it once and resends once
 * (providers.md §7, "refresh auth & retry once"). Answers the token last sent too.
 */
export async function sendAuthorized(
  op: AuthorizedSend,
): Promise<{ token: string; answer: HttpAnswer | RetryOutcome }> {
  const token = await op.cache.get(op.key, op.mint);
  const answer = await op.send(token);
  if (answer.kind === 'retry' || !op.isRefused(answer)) return { token, answer };
  const fresh = await op.cache.refresh(op.key, token, op.mint, op.minAgeMs);
  if (fresh === undefined) return { token, answer };
  return { token: fresh, answer: await op.send(fresh) };
}
