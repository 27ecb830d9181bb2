/** APNs provider tokens (providers.md §1.4): ES256 JWTs with {alg, kid} and {iss, iat}. */
import { importPKCS8, SignJWT } from 'jose';
import { OutcomeError } from './http';
import type { MintedToken } from './token-cache';
import type { ApnsCredentials } from './types';

/** Reuse one JWT for 45 minutes (APNs: refresh no sooner than 20, no later than 60 minutes). */
export const JWT_REUSE_MS = 45 * 60_000;
export const JWT_MIN_AGE_MS = 20 * 60_000;

/** The identity a provider token belongs to: team id and key id, never the key itself. */
export function apnsKeyId(credentials: Pick<ApnsCredentials, 'teamId' | 'keyId'>): string {
  return `${credentials.teamId}:${credentials.keyId}`;
}

/** Signs a new provider token; `iat` in whole seconds, raw r||s signature (jose's ES256). */
export async function mintApnsJwt(credentials: ApnsCredentials): Promise<MintedToken> {
  const now = Date.now();
  const signingKey = await importPKCS8(
    credentials.privateKeyPem.replaceAll('\\n', '\n'),
    'ES256',
  ).catch(() => {
    throw new OutcomeError({
      kind: 'credentials',
      reason: 'APNs private key is not a PKCS#8 P-256 key',
    });
  });
  const value = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: credentials.keyId })
    .setIssuer(credentials.teamId)
    .setIssuedAt(Math.floor(now / 1000))
    .sign(signingKey);
  return { value, useUntil: now + JWT_REUSE_MS };
}
