import type { SandboxCredentials } from './credentials.ts';
import {
  bearerToken,
  type Handler,
  isObject,
  json,
  jsonBody,
  type SandboxRequest,
  type SandboxResponse,
} from './http.ts';
import { randomBase62 } from './ids.ts';

const SEND_PATH = '/syniverse/scg-external-api/api/v1/messaging/message_requests';
const REFRESH_PATH = '/syniverse/saop-rest-data/v1/apptoken-refresh';
const REFRESHED_VALIDITY_MS = 3_600_000;
const E164 = /^\+[1-9]\d{1,14}$/;
const ADDRESS_REFERENCE = /^(contact|group):\S+$/;
const CONSENT = new Set(['OPT_IN', 'OPT_OUT', 'NONE']);
const MAX_BODY_BYTES = 1000;

const scgError = (status: number, code: string, description: string): SandboxResponse =>
  json(status, { error_code: `SCG_ERROR_${code}`, error_description: description });

const missing = (name: string) =>
  scgError(400, '4001', `Required parameter ${name} missing or is null`);
const badFormat = (name: string) =>
  scgError(400, '4002', `Parameter ${name} has incorrect data type or format`);

function checkFrom(from: unknown, senderId: string): SandboxResponse | undefined {
  if (from == null || from === '') return missing('from');
  if (typeof from !== 'string') return badFormat('from');
  const valid = from === `sender_id:${senderId}` || /^channel:\S+$/.test(from);
  return valid ? undefined : scgError(400, '40018', `Invalid sender address ${from}`);
}

function checkTo(to: unknown): SandboxResponse | undefined {
  if (to == null) return missing('to');
  if (!Array.isArray(to)) return badFormat('to');
  if (to.length === 0) return missing('to');
  const valid = (entry: unknown) =>
    typeof entry === 'string' && (E164.test(entry) || ADDRESS_REFERENCE.test(entry));
  return to.every(valid) ? undefined : badFormat('to');
}

function checkBody(body: unknown): SandboxResponse | undefined {
  if (body == null || body === '') return missing('body');
  if (typeof body !== 'string') return badFormat('body');
  if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) {
    return scgError(400, '4005', 'Message size exceeds system limit');
  }
  return undefined;
}

/**
 * SDC application tokens (§4.1): the trusted one never expires; refreshed ones last an hour.
 * `expire` (POST /__sandbox/syniverse/expire) makes a token answer 404 SCG_ERROR_4046.
 */
export class AppTokens {
  readonly #expiry = new Map<string, number>();

  constructor(initial: string) {
    this.#expiry.set(initial, Number.POSITIVE_INFINITY);
  }

  state(token: string | undefined): 'valid' | 'expired' | 'unknown' {
    const expiry = token === undefined ? undefined : this.#expiry.get(token);
    if (expiry === undefined) return 'unknown';
    return expiry > Date.now() ? 'valid' : 'expired';
  }

  /** A new valid token, as if refreshed from another one (POST /__sandbox/syniverse/tokens). */
  issue(): string {
    const token = randomBase62(40);
    this.#expiry.set(token, Date.now() + REFRESHED_VALIDITY_MS);
    return token;
  }

  expire(token: string): boolean {
    if (!this.#expiry.has(token)) return false;
    this.#expiry.set(token, 0);
    return true;
  }

  /** A still-valid `old` token comes back with its remaining validity; else a new one. */
  refresh(old: string): { accessToken: string; validityTime: number } {
    const expiry = this.#expiry.get(old) ?? 0;
    if (expiry > Date.now()) {
      const validityTime = Number.isFinite(expiry) ? expiry - Date.now() : 0;
      return { accessToken: old, validityTime };
    }
    const accessToken = randomBase62(40);
    this.#expiry.set(accessToken, Date.now() + REFRESHED_VALIDITY_MS);
    return { accessToken, validityTime: REFRESHED_VALIDITY_MS };
  }
}

/** `GET …/apptoken-refresh?consumerkey&consumersecret&oldtoken` (§4.1), gateway error shape. */
function refresh(
  req: SandboxRequest,
  trust: SandboxCredentials['syniverse'],
  tokens: AppTokens,
): SandboxResponse {
  const params = req.url.searchParams;
  for (const name of ['consumerkey', 'consumersecret', 'oldtoken']) {
    if (!params.get(name)) {
      return json(400, { errorCode: 1, moreInfo: `${name} parameter required`, userMsg: name });
    }
  }
  const known = trust.consumerKey !== undefined && trust.consumerSecret !== undefined;
  if (
    !known ||
    params.get('consumerkey') !== trust.consumerKey ||
    params.get('consumersecret') !== trust.consumerSecret
  ) {
    return json(401, { errorCode: 2, moreInfo: 'invalid consumer credentials', userMsg: 'auth' });
  }
  if (tokens.state(params.get('oldtoken') ?? undefined) === 'unknown') {
    return json(400, { errorCode: 3, moreInfo: 'oldtoken is not a token', userMsg: 'oldtoken' });
  }
  return json(200, tokens.refresh(params.get('oldtoken') ?? ''));
}

/** Fault patterns (sandbox/README.md) keyed on the last four digits of a recipient. */
function fault(to: string[]): SandboxResponse | undefined {
  const dead = to.find((number) => number.endsWith('0199'));
  if (dead) return scgError(400, '40024', `Invalid recipient ${dead}`);
  if (to.some((number) => number.endsWith('0198'))) {
    return scgError(503, '5030', 'Service Unavailable');
  }
  return undefined;
}

/** Syniverse SCG `POST …/api/v1/messaging/message_requests` (providers.md §4.1–4.3). */
export function createSyniverse(
  trust: SandboxCredentials['syniverse'],
  tokens: AppTokens,
): Handler {
  return (req) => {
    if (req.url.pathname === REFRESH_PATH && req.method === 'GET')
      return refresh(req, trust, tokens);
    if (req.url.pathname !== SEND_PATH || req.method !== 'POST') {
      return scgError(404, '4040', 'Resource not found');
    }
    const token = tokens.state(bearerToken(req.headers.authorization));
    if (token === 'unknown') return scgError(401, '4010', 'Token unauthorized for this resource');
    if (token === 'expired') return scgError(404, '4046', 'Access token expired');
    const parsed = jsonBody(req);
    if (!parsed || !isObject(parsed.value)) return scgError(400, '40025', 'Invalid payload');
    const request = parsed.value;
    const consent = request.consent_requirement;
    const badConsent = consent !== undefined && !CONSENT.has(String(consent));
    const rejection =
      checkFrom(request.from, trust.senderId) ??
      checkTo(request.to) ??
      checkBody(request.body) ??
      (badConsent
        ? scgError(400, '4003', 'Optional parameter consent_requirement has a format error')
        : undefined) ??
      fault(request.to as string[]);
    return rejection ?? json(200, { id: randomBase62(22) });
  };
}
