import type { SandboxCredentials } from './credentials.ts';
import {
  bearerToken,
  type Handler,
  isObject,
  json,
  jsonBody,
  type SandboxResponse,
} from './http.ts';
import { randomBase62 } from './ids.ts';

const SEND_PATH = '/syniverse/scg-external-api/api/v1/messaging/message_requests';
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
export function createSyniverse(trust: SandboxCredentials['syniverse']): Handler {
  return (req) => {
    if (req.url.pathname !== SEND_PATH || req.method !== 'POST') {
      return scgError(404, '4040', 'Resource not found');
    }
    if (bearerToken(req.headers.authorization) !== trust.appToken) {
      return scgError(401, '4010', 'Token unauthorized for this resource');
    }
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
