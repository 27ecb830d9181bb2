import type { AccessTokens } from './access-tokens.ts';
import type { SandboxCredentials } from './credentials.ts';
import { formBody, type Handler, json, nowSeconds, type SandboxResponse } from './http.ts';
import { randomBase62 } from './ids.ts';
import { type DecodedJwt, decodeJwt, verifyRs256 } from './jwt.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const SCOPES = [
  'https://www.googleapis.com/auth/firebase.messaging',
  'https://www.googleapis.com/auth/cloud-platform',
];
const TOKEN_TTL_SECONDS = 3599;
const MAX_SKEW_SECONDS = 300;
const SHORT_LIVED =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. ' +
  'Check your iat and exp values in the JWT claim.';

const oauthError = (error: string, description: string, status = 400): SandboxResponse =>
  json(status, { error, error_description: description }, {}, 'application/json; charset=utf-8');

function checkTimes({ claims }: DecodedJwt): boolean {
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number') return false;
  const now = nowSeconds();
  return exp - iat <= 3600 && exp > iat && iat <= now + MAX_SKEW_SECONDS && exp > now;
}

/** Audiences accepted: Google's real token URL and this sandbox's own, however reached. */
function audiences(baseUrl: () => string, host: string | undefined): string[] {
  const own = [`${baseUrl()}/google/token`];
  if (host) own.push(`http://${host}/google/token`);
  return [GOOGLE_TOKEN_URL, ...own];
}

/** Google OAuth 2.0 JWT-bearer token endpoint, `POST /google/token` (providers.md §2.1). */
export function createGoogleOAuth(
  trust: SandboxCredentials['fcm'],
  tokens: AccessTokens,
  baseUrl: () => string,
): Handler {
  return (req) => {
    if (req.method !== 'POST') return oauthError('invalid_request', 'Method not allowed', 405);
    const form = formBody(req);
    const grantType = form.get('grant_type');
    if (grantType !== JWT_BEARER) {
      return oauthError('unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
    }
    const assertion = form.get('assertion');
    if (!assertion) return oauthError('invalid_request', 'Missing required parameter: assertion');
    const jwt = decodeJwt(assertion);
    if (!jwt) return oauthError('invalid_grant', 'Invalid JWT Signature.');
    if (jwt.claims.iss !== trust.clientEmail) {
      return oauthError('invalid_grant', 'Invalid grant: account not found');
    }
    const kid = jwt.header.kid;
    const keyMatches = kid === undefined || kid === trust.privateKeyId;
    if (jwt.header.alg !== 'RS256' || !keyMatches || !verifyRs256(jwt, trust.publicKeyPem)) {
      return oauthError('invalid_grant', 'Invalid JWT Signature.');
    }
    if (!checkTimes(jwt)) return oauthError('invalid_grant', SHORT_LIVED);
    const aud = jwt.claims.aud;
    if (typeof aud !== 'string' || !audiences(baseUrl, req.headers.host).includes(aud)) {
      return oauthError('invalid_grant', 'Invalid JWT: Failed audience check.');
    }
    const scope = typeof jwt.claims.scope === 'string' ? jwt.claims.scope.split(/\s+/) : [];
    if (!SCOPES.some((wanted) => scope.includes(wanted))) {
      return oauthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    }
    const accessToken = tokens.issue(`ya29.c.${randomBase62(180)}`, TOKEN_TTL_SECONDS);
    return json(
      200,
      { access_token: accessToken, expires_in: TOKEN_TTL_SECONDS, token_type: 'Bearer' },
      { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' },
      'application/json; charset=utf-8',
    );
  };
}
