/** POST /oauth2/v1/token: OAuth 2 client credentials (RFC 6749 §4.4) for a backend's servers. */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { verifyPassword } from '../crypto/password';
import { backends } from '../db/schema';
import type { AppEnv } from '../http/context';
import { badRequest } from '../http/problem';
import { unauthorized } from './authenticate';
import { issueAccessToken, TOKEN_LIFETIME_SECONDS } from './oauth-token';

export const oauthRoutes = new Hono<AppEnv>();

oauthRoutes.post('/token', async (c) => {
  const form = await c.req.parseBody().catch(() => {
    throw badRequest('The token request must be application/x-www-form-urlencoded.');
  });
  if (form.grant_type !== 'client_credentials') {
    throw badRequest('grant_type must be client_credentials.', [], 'UNSUPPORTED_GRANT_TYPE');
  }
  const [clientId, clientSecret] = clientCredentials(c.req.header('Authorization'), form);

  const [backend] = await c
    .get('db')
    .select({ id: backends.id, hash: backends.oauthClientSecretHash })
    .from(backends)
    .where(eq(backends.oauthClientId, clientId))
    .limit(1);
  if (!backend || !(await verifyPassword(clientSecret, backend.hash))) {
    throw unauthorized('The client id or secret is not valid.');
  }
  const token = await issueAccessToken(c.env.TOKEN_SIGNING_KEY, backend.id, clientId);
  c.header('Cache-Control', 'no-store');
  return c.json({ access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS });
});

/** From Basic auth, else from the form's client_id / client_secret. */
function clientCredentials(
  header: string | undefined,
  form: Record<string, unknown>,
): [string, string] {
  if (header?.toLowerCase().startsWith('basic ')) {
    const decoded = decodeOr401(() => atob(header.slice(6).trim()));
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return [
        decodeOr401(() => decodeURIComponent(decoded.slice(0, colon))),
        decodeOr401(() => decodeURIComponent(decoded.slice(colon + 1))),
      ];
    }
  }
  const { client_id: id, client_secret: secret } = form;
  if (typeof id !== 'string' || typeof secret !== 'string') {
    throw unauthorized('Client credentials are required.');
  }
  return [id, secret];
}

/** Undecodable client credentials (bad base64 or %-escape) are bad credentials, not a crash. */
function decodeOr401(decode: () => string): string {
  try {
    return decode();
  } catch {
    throw unauthorized('The client credentials are not validly encoded.');
  }
}
