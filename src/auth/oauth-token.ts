/**
 * Access tokens issued by POST /oauth2/v1/token (client credentials): HS256 JWTs carrying the
 * backend id, valid one hour.
 */
import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'pushgate';
export const TOKEN_LIFETIME_SECONDS = 3600;

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function issueAccessToken(secret: string, backendId: string, clientId: string) {
  return new SignJWT({ backend: backendId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setSubject(clientId)
    .setIssuedAt()
    .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
    .sign(keyOf(secret));
}

/** The backend id of a valid token, or null. */
export async function verifyAccessToken(secret: string, token: string): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      issuer: ISSUER,
      algorithms: ['HS256'],
    });
    return typeof payload.backend === 'string' ? payload.backend : null;
  } catch {
    return null;
  }
}
