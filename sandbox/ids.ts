import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random string of `length` characters drawn from `alphabet` (base62 by default). */
export function randomBase62(length: number, alphabet = BASE62): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Random lowercase hex of `bytes` bytes. */
export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** Random decimal digits, first one non-zero. */
export const randomDigits = (length: number): string =>
  randomBase62(1, '123456789') + randomBase62(length - 1, '0123456789');

/** Canonical lowercase UUID. */
export const uuid = (): string => randomUUID();

/** Canonical lowercase 8-4-4-4-12 UUID, as APNs wants for `apns-id`. */
export const LOWERCASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
