/**
 * Notification token rules (api-contract.md, Device registry): providers per platform, and the
 * normalisation applied before a token is stored or matched. Pure.
 */
import { FCM_TOKEN_RESERVE } from '../payload/limits';
import type { Platform, Provider } from '../providers/types';

export const MAX_TOKEN_BYTES = 4096;

export const DEFAULT_PROVIDER: Record<Platform, Provider> = {
  IOS: 'APNS',
  ANDROID: 'FCM',
  WINDOWS: 'WNS',
  WEB: 'FCM',
};

/** `GCM` is the old name of FCM and is stored as FCM. */
export function canonicalProvider(name: string): Provider {
  return name === 'GCM' ? 'FCM' : (name as Provider);
}

/** Null when the provider can serve the platform, else the reason it cannot. */
export function providerMismatch(provider: Provider, platform: Platform): string | null {
  if (provider === 'APNS' && platform !== 'IOS' && platform !== 'WEB') {
    return 'APNS serves only the IOS and WEB platforms.';
  }
  if (provider === 'WNS' && platform !== 'WINDOWS') return 'WNS serves only the WINDOWS platform.';
  if (provider === 'FCM' && platform === 'WINDOWS')
    return 'FCM does not serve the WINDOWS platform.';
  return null;
}

export type Normalised = { ok: true; token: string } | { ok: false; reason: string };

const HEX = /^[0-9a-f]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is "no control characters"
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const E164 = /^\+[1-9][0-9]{6,14}$/;

/** Trims, checks and normalises a token for storage under `provider`. */
export function normaliseToken(provider: Provider, raw: string): Normalised {
  const token = raw.trim();
  if (token === '') return { ok: false, reason: 'The notification token is empty.' };
  if (new TextEncoder().encode(token).byteLength > MAX_TOKEN_BYTES) {
    return { ok: false, reason: `The notification token is over ${MAX_TOKEN_BYTES} bytes.` };
  }
  if (CONTROL.test(token)) {
    return { ok: false, reason: 'The notification token contains control characters.' };
  }
  switch (provider) {
    case 'APNS':
      return normaliseApns(token);
    case 'SYNIVERSE':
      return normalisePhone(token);
    case 'FCM':
      // Real tokens are about 160 bytes; the POST-time size check reserves 256 for the token.
      if (new TextEncoder().encode(token).byteLength > FCM_TOKEN_RESERVE) {
        return { ok: false, reason: `An FCM token is at most ${FCM_TOKEN_RESERVE} bytes.` };
      }
      return /\s/.test(token)
        ? { ok: false, reason: 'The notification token contains white space.' }
        : { ok: true, token };
    default:
      return /\s/.test(token)
        ? { ok: false, reason: 'The notification token contains white space.' }
        : { ok: true, token };
  }
}

/** APNs tokens are hex; `<ab12 cd34>` (an NSData description) and UUID forms are accepted. */
function normaliseApns(token: string): Normalised {
  const lower = token.toLowerCase();
  if (UUID.test(lower)) return { ok: true, token: lower };
  const compact = lower.replace(/^<|>$/g, '').replace(/\s+/g, '');
  if (HEX.test(compact)) return { ok: true, token: compact };
  return { ok: false, reason: 'An APNS token must be hexadecimal (or UUID-shaped).' };
}

/** E.164: `+` and 7 to 15 digits; spaces, dashes, dots and brackets are dropped, `00` means `+`. */
function normalisePhone(token: string): Normalised {
  let phone = token.replace(/[\s\-.()]/g, '');
  if (phone.startsWith('00')) phone = `+${phone.slice(2)}`;
  if (E164.test(phone)) return { ok: true, token: phone };
  return {
    ok: false,
    reason: 'A SYNIVERSE token must be an E.164 phone number, e.g. +14155550123.',
  };
}

/**
 * Every stored form a token given in a send's `notificationTokens` may have, so a send by token
 * matches the device whichever provider it was registered under.
 */
export function tokenCandidates(raw: string): string[] {
  const forms = new Set<string>();
  for (const provider of ['APNS', 'FCM', 'SYNIVERSE'] as const) {
    const result = normaliseToken(provider, raw);
    if (result.ok) forms.add(result.token);
  }
  return [...forms];
}
