/** FCM HTTP v1 client (providers.md §2): one POST per device with a cached OAuth access token. */
import { importPKCS8, SignJWT } from 'jose';
import { classifyFcm, isFcmAccessTokenRejected } from './fcm-outcome';
import {
  type ClientContext,
  fetchAccessToken,
  joinUrl,
  OutcomeError,
  outcomeOf,
  request,
  sendAuthorized,
} from './http';
import { type MintedToken, TokenCache } from './token-cache';
import type { FcmCredentials, Outcome, ProviderPayload } from './types';

type FcmPayload = Extract<ProviderPayload, { provider: 'FCM' }>;

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Google access tokens of this isolate, one per service account key. */
const accessTokens = new TokenCache();

/** Sends `payload` to one FCM registration token. */
export async function sendFcm(
  credentials: FcmCredentials,
  payload: FcmPayload,
  token: string,
  ctx: ClientContext,
): Promise<Outcome> {
  const project = encodeURIComponent(credentials.projectId);
  const url = joinUrl(ctx.endpoints.fcmUrl, `/v1/projects/${project}/messages:send`);
  const body = JSON.stringify({ message: { ...payload.message, token } });
  try {
    const { answer } = await sendAuthorized({
      cache: accessTokens,
      key: `${credentials.clientEmail}:${credentials.privateKeyId ?? ''}`,
      mint: () => mintAccessToken(credentials, ctx),
      send: (accessToken) =>
        request(ctx, 'FCM', url, {
          method: 'POST',
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
          body,
        }),
      isRefused: (answer) => isFcmAccessTokenRejected(answer.status, answer.body),
    });
    if (answer.kind === 'retry') return answer;
    return classifyFcm(answer.status, answer.body, {
      retryAfter: answer.headers.get('retry-after'),
    });
  } catch (error) {
    return outcomeOf(error);
  }
}

/** §2.1: exchanges an RS256 JWT signed with the service account key for an access token. */
async function mintAccessToken(
  credentials: FcmCredentials,
  ctx: ClientContext,
): Promise<MintedToken> {
  const tokenUrl = ctx.endpoints.googleTokenUrl;
  const signingKey = await importPKCS8(
    credentials.privateKeyPem.replaceAll('\\n', '\n'),
    'RS256',
  ).catch(() => {
    throw new OutcomeError({
      kind: 'credentials',
      reason: 'FCM private key is not a PKCS#8 RSA key',
    });
  });
  const iat = Math.floor(Date.now() / 1000);
  const kid = credentials.privateKeyId ? { kid: credentials.privateKeyId } : {};
  const assertion = await new SignJWT({ scope: SCOPE })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...kid })
    .setIssuer(credentials.clientEmail)
    .setAudience(tokenUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(signingKey);
  return fetchAccessToken(ctx, 'Google token endpoint', tokenUrl, {
    grant_type: JWT_BEARER,
    assertion,
  });
}
