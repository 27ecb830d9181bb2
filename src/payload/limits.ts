/** Wire-size limits per provider, in UTF-8 bytes (api-contract.md, Payload limits). Pure. */
import type { Provider, ProviderPayload } from '../providers/types';

export const PAYLOAD_LIMITS: Record<Provider, number> = {
  APNS: 4096,
  FCM: 4096,
  WNS: 5000,
  SYNIVERSE: 1000,
};

export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/** The bytes of the body the provider receives for this payload (FCM without the token). */
export function wireBytes(payload: ProviderPayload): number {
  switch (payload.provider) {
    case 'APNS':
    case 'WNS':
      return utf8Bytes(payload.body);
    case 'FCM':
      return utf8Bytes(JSON.stringify({ message: payload.message }));
    case 'SYNIVERSE':
      return utf8Bytes(payload.text);
  }
}
