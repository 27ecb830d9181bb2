/** A stable UUID per (notification, device), used as the APNs `apns-id` and SMS `external_id`. */
import { toHex } from '../crypto/encoding';

export async function messageKey(notificationId: number, deviceId: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(`${notificationId}:${deviceId}`),
  );
  const hex = toHex(new Uint8Array(digest).slice(0, 16)).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
