/**
 * Secrets at rest: AES-256-GCM with the key from the CREDENTIALS_KEY Worker secret, stored as
 * `v1.<iv b64>.<ciphertext b64>`.
 */
import { fromBase64, toBase64 } from './encoding';

async function importKey(secret: string): Promise<CryptoKey> {
  const raw = fromBase64(secret);
  if (raw.byteLength !== 32) throw new Error('CREDENTIALS_KEY must be base64 of 32 bytes');
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function seal(secret: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv },
    await importKey(secret),
    new TextEncoder().encode(plaintext),
  );
  return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(data))}`;
}

export async function unseal(secret: string, sealed: string): Promise<string> {
  const [version, iv, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !data) throw new Error('unknown sealed format');
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64(iv) },
    await importKey(secret),
    fromBase64(data),
  );
  return new TextDecoder().decode(plain);
}
