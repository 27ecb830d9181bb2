import type { AccessTokens } from './access-tokens.ts';
import { bearerToken, type Handler, mediaType, type SandboxResponse } from './http.ts';
import { randomBase62, randomHex } from './ids.ts';
import { xmlRootName } from './xml.ts';

const CONTENT_TYPES: Record<string, string> = {
  'wns/toast': 'text/xml',
  'wns/tile': 'text/xml',
  'wns/badge': 'text/xml',
  'wns/raw': 'application/octet-stream',
};
const MAX_BODY_BYTES = 5000;

type Rejection = { status: number; description: string };
const reject = (status: number, description: string): Rejection => ({ status, description });

/** Optional headers of §3.2, when present. */
function checkOptionalHeaders(headers: Record<string, string>): Rejection | undefined {
  const rules: [string, RegExp][] = [
    ['x-wns-cache-policy', /^(cache|no-cache)$/i],
    ['x-wns-requestforstatus', /^(true|false)$/i],
    ['x-wns-tag', /^.{1,16}$/],
    ['x-wns-ttl', /^\d+$/],
    ['x-wns-priority', /^[1-4]$/],
  ];
  for (const [name, rule] of rules) {
    const value = headers[name];
    if (value !== undefined && !rule.test(value)) return reject(400, `Invalid ${name} header`);
  }
  return undefined;
}

function check(
  headers: Record<string, string>,
  body: Buffer,
  channel: string,
  tokens: AccessTokens,
): Rejection | undefined {
  if (!channel) return reject(404, 'The channel URI is not valid or is not recognized');
  const authorization = headers.authorization;
  if (!authorization) return reject(401, 'Missing access token');
  if (!tokens.isValid(bearerToken(authorization))) {
    return reject(401, 'Invalid or expired access token');
  }
  const type = headers['x-wns-type'] ?? '';
  const expected = CONTENT_TYPES[type];
  if (!expected) return reject(400, 'Invalid X-WNS-Type header');
  if (mediaType(headers['content-type']) !== expected) {
    return reject(400, `Content-Type must be ${expected} for ${type}`);
  }
  if (headers['transfer-encoding'] !== undefined) {
    return reject(400, 'Chunked transfer encoding is not supported');
  }
  if (headers['content-length'] === undefined) return reject(400, 'Content-Length is required');
  const optional = checkOptionalHeaders(headers);
  if (optional) return optional;
  if (body.length > MAX_BODY_BYTES) return reject(413, 'The notification payload is too large');
  if (type !== 'wns/raw' && xmlRootName(body.toString('utf8')) !== type.slice('wns/'.length)) {
    return reject(400, `The payload is not a well-formed ${type.slice(4)} XML document`);
  }
  if (channel.startsWith('dead')) return reject(410, 'The channel expired');
  if (channel.startsWith('fail')) return reject(503, 'The service is unavailable');
  return undefined;
}

/** WNS channel send, `POST /wns/?token=<channel>` (providers.md §3.2–3.3). */
export function createWnsSend(tokens: AccessTokens): Handler {
  return (req): SandboxResponse => {
    const msCv = req.headers['ms-cv'] ?? `${randomBase62(22)}.0`;
    const base = { 'ms-cv': msCv, 'x-wns-debug-trace': `SANDBOX${randomHex(4).toUpperCase()}` };
    if (req.method !== 'POST') {
      return {
        status: 405,
        headers: { ...base, 'x-wns-error-description': 'Only POST is supported' },
      };
    }
    const channel = req.url.searchParams.get('token') ?? '';
    const rejection = check(req.headers, req.body, channel, tokens);
    if (rejection) {
      const headers = { ...base, 'x-wns-error-description': rejection.description };
      return { status: rejection.status, headers };
    }
    const headers: Record<string, string> = {
      ...base,
      'x-wns-status': 'received',
      'x-wns-msg-id': randomHex(8).toUpperCase(),
    };
    if (req.headers['x-wns-requestforstatus']?.toLowerCase() === 'true') {
      headers['x-wns-deviceconnectionstatus'] = 'connected';
    }
    return { status: 200, headers };
  };
}
