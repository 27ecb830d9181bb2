import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { isObject } from './http.ts';

/** A JWS compact token split into its parts (not yet verified). */
export type DecodedJwt = {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
};

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Splits and parses a compact JWS; undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return undefined;
  const [header, claims, signature] = parts as [string, string, string];
  try {
    const parsedHeader: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const parsedClaims: unknown = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
    if (!isObject(parsedHeader) || !isObject(parsedClaims)) return undefined;
    return {
      header: parsedHeader,
      claims: parsedClaims,
      signingInput: Buffer.from(`${header}.${claims}`, 'ascii'),
      signature: Buffer.from(signature, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

const keys = new Map<string, KeyObject>();
const publicKey = (pem: string): KeyObject => {
  let key = keys.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    keys.set(pem, key);
  }
  return key;
};

/** ES256 check as APNs does it: raw r||s (IEEE P1363, 64 bytes) only; DER fails (§0, §1.4). */
export function verifyEs256(jwt: DecodedJwt, publicKeyPem: string): boolean {
  if (jwt.signature.length !== 64) return false;
  const key = { key: publicKey(publicKeyPem), dsaEncoding: 'ieee-p1363' } as const;
  return verify('sha256', jwt.signingInput, key, jwt.signature);
}

/** RS256 (RSASSA-PKCS1-v1_5 with SHA-256) check, as Google's token endpoint does (§2.1). */
export function verifyRs256(jwt: DecodedJwt, publicKeyPem: string): boolean {
  return verify('sha256', jwt.signingInput, publicKey(publicKeyPem), jwt.signature);
}
