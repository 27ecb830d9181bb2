import type { ApnsKey, ApnsKeyring } from './apns-keys.ts';
import {
  type Handler,
  isObject,
  json,
  nowSeconds,
  type SandboxRequest,
  type SandboxResponse,
} from './http.ts';
import { LOWERCASE_UUID, uuid } from './ids.ts';
import { decodeJwt, verifyEs256 } from './jwt.ts';

/** Topic suffix per `apns-push-type` (providers.md §1.2); mdm topics are not checked. */
const TOPIC_SUFFIX: Record<string, string> = {
  alert: '',
  background: '',
  location: '.location-query',
  voip: '.voip',
  complication: '.complication',
  fileprovider: '.pushkit.fileprovider',
  liveactivity: '.push-type.liveactivity',
  pushtotalk: '.voip-ptt',
  widgets: '.push-type.widgets',
  controls: '.push-type.controls',
  mdm: '',
};
const PRIORITIES = new Set(['10', '5', '1']);
const TOKEN_FORMAT = /^[0-9a-f]+(-[0-9a-f]+)*$/i;
const MAX_TOKEN_AGE_SECONDS = 3600;
const MAX_CLOCK_SKEW_SECONDS = 300;

type Rejection = { status: number; reason: string };
const reject = (status: number, reason: string): Rejection => ({ status, reason });

/**
 * Provider-token check (§1.4): ES256 in P1363 form, trusted kid/iss, integer iat ≤ 1 h old, and
 * no new token within 20 minutes of the key's previous one. Answers the key on success.
 */
function checkProviderToken(
  authorization: string | undefined,
  keys: ApnsKeyring,
): Rejection | ApnsKey {
  const match = /^bearer +(.*)$/i.exec(authorization ?? '');
  if (!authorization || (match && match[1]?.trim() === '')) {
    return reject(403, 'MissingProviderToken');
  }
  const jwt = match?.[1] ? decodeJwt(match[1].trim()) : undefined;
  if (!jwt) return reject(403, 'InvalidProviderToken');
  const { alg, kid } = jwt.header;
  const { iss, iat } = jwt.claims;
  const key = keys.get(typeof kid === 'string' ? kid : undefined);
  const trusted = alg === 'ES256' && key !== undefined && iss === key.teamId;
  if (!trusted || typeof iat !== 'number' || !Number.isInteger(iat)) {
    return reject(403, 'InvalidProviderToken');
  }
  if (!verifyEs256(jwt, key.publicKeyPem)) return reject(403, 'InvalidProviderToken');
  const now = nowSeconds();
  if (iat > now + MAX_CLOCK_SKEW_SECONDS) return reject(403, 'InvalidProviderToken');
  if (iat < now - MAX_TOKEN_AGE_SECONDS) return reject(403, 'ExpiredProviderToken');
  if (!keys.use(key, match?.[1]?.trim() ?? '', iat)) {
    return reject(429, 'TooManyProviderTokenUpdates');
  }
  return key;
}

/** Header checks in the order of §1.2. */
function checkHeaders(headers: Record<string, string>, trust: ApnsKey) {
  const topic = headers['apns-topic'];
  if (!topic) return reject(400, 'MissingTopic');
  const suffixes = Object.values(TOPIC_SUFFIX);
  if (!suffixes.some((suffix) => topic === trust.bundleId + suffix)) {
    return reject(400, 'BadTopic');
  }
  const pushType = headers['apns-push-type'];
  if (pushType !== undefined) {
    if (!(pushType in TOPIC_SUFFIX)) return reject(400, 'InvalidPushType');
    if (pushType !== 'mdm' && topic !== trust.bundleId + TOPIC_SUFFIX[pushType]) {
      return reject(400, 'BadTopic');
    }
  }
  const priority = headers['apns-priority'];
  if (priority !== undefined && !PRIORITIES.has(priority)) return reject(400, 'BadPriority');
  if (pushType === 'background' && priority === '10') return reject(400, 'BadPriority');
  const apnsId = headers['apns-id'];
  if (apnsId !== undefined && !LOWERCASE_UUID.test(apnsId)) return reject(400, 'BadMessageId');
  const expiration = headers['apns-expiration'];
  if (expiration !== undefined && !/^\d{1,10}$/.test(expiration)) {
    return reject(400, 'BadExpirationDate');
  }
  const collapseId = headers['apns-collapse-id'];
  if (collapseId !== undefined && Buffer.byteLength(collapseId, 'utf8') > 64) {
    return reject(400, 'BadCollapseId');
  }
  return undefined;
}

/** Body checks (§1.3): non-empty, UTF-8 bytes ≤ 4096 (5120 VoIP), a JSON object with `aps`. */
function checkBody(body: Buffer, headers: Record<string, string>) {
  if (body.length === 0) return reject(400, 'PayloadEmpty');
  const voip = headers['apns-push-type'] === 'voip' || headers['apns-topic']?.endsWith('.voip');
  if (body.length > (voip ? 5120 : 4096)) return reject(413, 'PayloadTooLarge');
  try {
    const payload: unknown = JSON.parse(body.toString('utf8'));
    if (isObject(payload) && isObject(payload.aps)) return undefined;
  } catch {}
  return reject(400, 'BadPayload');
}

/** Fault patterns (sandbox/README.md): `dead…` → 410 Unregistered, `fa11…` → 503. */
function fault(token: string) {
  const lower = token.toLowerCase();
  if (lower.startsWith('dead')) return reject(410, 'Unregistered');
  if (lower.startsWith('fa11')) return reject(503, 'ServiceUnavailable');
  return undefined;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function check(req: SandboxRequest, env: string, keys: ApnsKeyring): Rejection | undefined {
  if (req.method !== 'POST') return reject(405, 'MethodNotAllowed');
  const match = /^\/3\/device(?:\/([^/]*))?$/.exec(req.url.pathname.slice(`/apns/${env}`.length));
  if (!match) return reject(404, 'BadPath');
  const token = safeDecode(match[1] ?? '');
  if (token === '') return reject(400, 'MissingDeviceToken');
  if (req.repeatedHeaders.length > 0) return reject(400, 'DuplicateHeaders');
  const key = checkProviderToken(req.headers.authorization, keys);
  if ('reason' in key) return key;
  return (
    checkHeaders(req.headers, key) ??
    checkBody(req.body, req.headers) ??
    (token && TOKEN_FORMAT.test(token) ? undefined : reject(400, 'BadDeviceToken')) ??
    fault(token ?? '')
  );
}

/** APNs `POST /apns/{development|production}/3/device/<token>` over HTTP/1.1 (§1). */
export function createApns(keys: ApnsKeyring): Handler {
  return (req): SandboxResponse => {
    const env = /^\/apns\/(development|production)(?:\/|$)/.exec(req.url.pathname)?.[1];
    if (!env) return json(404, { reason: 'BadPath' }, { 'apns-id': uuid() });
    const given = req.headers['apns-id'];
    const apnsId = given && LOWERCASE_UUID.test(given) ? given : uuid();
    const rejection = check(req, env, keys);
    if (rejection) {
      const { status, reason } = rejection;
      const body = status === 410 ? { reason, timestamp: Date.now() } : { reason };
      return json(status, body, { 'apns-id': apnsId });
    }
    const headers: Record<string, string> = { 'apns-id': apnsId };
    if (env === 'development') headers['apns-unique-id'] = uuid();
    return { status: 200, headers };
  };
}
