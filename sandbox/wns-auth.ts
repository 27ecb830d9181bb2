import { randomBytes, randomUUID } from 'node:crypto';
import type { AccessTokens } from './access-tokens.ts';
import type { SandboxCredentials } from './credentials.ts';
import { formBody, type Handler, json, nowSeconds, type SandboxResponse } from './http.ts';
import { randomBase62 } from './ids.ts';

type WnsTrust = SandboxCredentials['wns'];

const CLASSIC_TTL_SECONDS = 86_400;
const ENTRA_TTL_SECONDS = 3599;
const ENTRA_PATH = /^\/entra\/([^/]+)\/oauth2\/v2\.0\/token$/;
const NO_STORE = { 'cache-control': 'no-store' };

const liveError = (error: string, description: string): SandboxResponse =>
  json(400, { error, error_description: description }, NO_STORE);

/** login.live.com `POST /wns/accesstoken.srf`, Package SID + secret (providers.md §3.1a). */
export function createWnsClassicToken(trust: WnsTrust, tokens: AccessTokens): Handler {
  return (req) => {
    if (req.method !== 'POST') return liveError('invalid_request', 'The request is not a POST.');
    const form = formBody(req);
    if (form.get('grant_type') !== 'client_credentials') {
      return liveError(
        'unsupported_grant_type',
        "The provided value for the input parameter 'grant_type' is not valid.",
      );
    }
    if (form.get('client_id') !== trust.packageSid) {
      return liveError('invalid_client', 'Invalid client id');
    }
    if (form.get('client_secret') !== trust.clientSecret) {
      return liveError('invalid_client', 'Invalid client secret');
    }
    if (form.get('scope') !== 'notify.windows.com') {
      return liveError(
        'invalid_scope',
        "The provided value for the input parameter 'scope' is not valid.",
      );
    }
    const accessToken = tokens.issue(randomBytes(36).toString('base64'), CLASSIC_TTL_SECONDS);
    return json(
      200,
      { access_token: accessToken, token_type: 'bearer', expires_in: CLASSIC_TTL_SECONDS },
      NO_STORE,
    );
  };
}

function entraError(status: number, error: string, code: number, text: string): SandboxResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const description =
    `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} ` +
    `Timestamp: ${timestamp}`;
  return json(
    status,
    {
      error,
      error_description: description,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
    NO_STORE,
    'application/json; charset=utf-8',
  );
}

const tenantNotFound = (tenant: string) =>
  `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`;

const fakeEntraJwt = (trust: WnsTrust, ttl: number): string => {
  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = nowSeconds();
  const claims = {
    aud: 'https://wns.windows.com',
    iss: `https://sts.windows.net/${trust.tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + ttl,
    appid: trust.clientId,
    tid: trust.tenantId,
    jti: randomBase62(22),
  };
  return `${segment({ typ: 'JWT', alg: 'RS256' })}.${segment(claims)}.${randomBase62(342)}`;
};

/** Entra ID `POST /entra/<tenantId>/oauth2/v2.0/token`, client credentials (§3.1b). */
export function createWnsEntraToken(trust: WnsTrust, tokens: AccessTokens): Handler {
  return (req) => {
    const tenant = ENTRA_PATH.exec(req.url.pathname)?.[1];
    if (req.method !== 'POST' || !tenant) {
      return entraError(400, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
    }
    if (tenant !== trust.tenantId) {
      return entraError(400, 'invalid_request', 90002, tenantNotFound(tenant));
    }
    const form = formBody(req);
    if (form.get('grant_type') !== 'client_credentials') {
      const text = 'The app requested an unsupported grant type.';
      return entraError(400, 'unsupported_grant_type', 70003, text);
    }
    const clientId = form.get('client_id') ?? '';
    if (clientId !== trust.clientId) {
      const text =
        `Application with identifier '${clientId}' was not found in the directory ` +
        `'${trust.tenantId}'.`;
      return entraError(400, 'unauthorized_client', 700016, text);
    }
    const secret = form.get('client_secret');
    if (!secret) {
      const text =
        "The request body must contain the following parameter: 'client_assertion' or " +
        "'client_secret'.";
      return entraError(401, 'invalid_client', 7000218, text);
    }
    if (secret !== trust.clientSecret) {
      const text =
        'Invalid client secret provided. Ensure the secret being sent in the request is the ' +
        `client secret value, not the client secret ID, for a secret added to app '${clientId}'.`;
      return entraError(401, 'invalid_client', 7000215, text);
    }
    if (form.get('scope') !== 'https://wns.windows.com/.default') {
      const text =
        `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client ` +
        'credential flows must have a scope value with /.default suffixed to the resource ' +
        'identifier (application ID URI).';
      return entraError(400, 'invalid_scope', 1002012, text);
    }
    const accessToken = tokens.issue(fakeEntraJwt(trust, ENTRA_TTL_SECONDS), ENTRA_TTL_SECONDS);
    return json(
      200,
      {
        token_type: 'Bearer',
        expires_in: ENTRA_TTL_SECONDS,
        ext_expires_in: ENTRA_TTL_SECONDS,
        access_token: accessToken,
      },
      NO_STORE,
      'application/json; charset=utf-8',
    );
  };
}
