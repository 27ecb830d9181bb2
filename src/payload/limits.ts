/** Wire-size limits per provider, in UTF-8 bytes (api-contract.md, Payload limits). Pure. */
import type { Provider, ProviderPayload } from '../providers/types';

export const PAYLOAD_LIMITS: Record<Provider, number> = {
  APNS: 4096,
  FCM: 4096,
  WNS: 5000,
  SYNIVERSE: 1000,
};

/**
 * Bytes kept for the FCM registration token, unknown at POST time. FCM counts the message with its
 * token (providers.md §2.3, sandbox README); real registration tokens are about 160 characters.
 */
export const FCM_TOKEN_RESERVE = 256;

const TOKEN_STAND_IN = 'x'.repeat(FCM_TOKEN_RESERVE);

/** The length of `text` in UTF-8 bytes, as the providers count it. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/**
 * The bytes the provider counts: the APNs body, the FCM message JSON with a token of
 * FCM_TOKEN_RESERVE bytes, the WNS body, the SMS text (Syniverse counts the `body` field, §4.2).
 */
export function wireBytes(payload: ProviderPayload): number {
  switch (payload.provider) {
    case 'APNS':
    case 'WNS':
      return utf8Bytes(payload.body);
    case 'FCM':
      return utf8Bytes(JSON.stringify({ ...payload.message, token: TOKEN_STAND_IN }));
    case 'SYNIVERSE':
      return utf8Bytes(payload.text);
  }
}
