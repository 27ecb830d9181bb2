/** WNS client (providers.md §3): one POST to the device's channel URI with a cached token. */
import {
  type ClientContext,
  fetchAccessToken,
  joinUrl,
  outcomeOf,
  request,
  sendAuthorized,
} from './http';
import { type MintedToken, TokenCache } from './token-cache';
import type { Outcome, ProviderPayload, WnsCredentials } from './types';
import { classifyWns } from './wns-outcome';

type WnsPayload = Extract<ProviderPayload, { provider: 'WNS' }>;

/** WNS access tokens of this isolate, one per app (package SID or Entra client). */
const accessTokens = new TokenCache();

/**
 * §3.2: Microsoft asks never to push outside `*.notify.windows.com`: true for an https URL on
 * port 443 without user info under that domain, or one whose origin is in `extraOrigins`.
 */
export function isAllowedChannelUri(uri: string, extraOrigins: string[]): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (extraOrigins.some((origin) => originOf(origin) === url.origin)) return true;
  return (
    url.protocol === 'https:' && url.port === '' && url.hostname.endsWith('.notify.windows.com')
  );
}

/** The origin of a configured value; undefined for unreadable ones and opaque ('null') ones. */
function originOf(value: string): string | undefined {
  try {
    const { origin } = new URL(value.trim());
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** Sends `payload` to one WNS channel URI (the device token). */
export async function sendWns(
  credentials: WnsCredentials,
  payload: WnsPayload,
  channelUri: string,
  ctx: ClientContext,
): Promise<Outcome> {
  if (!isAllowedChannelUri(channelUri, ctx.endpoints.wnsChannelOrigins)) {
    // Registration validates channel URIs, so the device is kept and the bug reported.
    return { kind: 'bad-message', reason: 'WNS channel URI outside notify.windows.com' };
  }
  const contentType = payload.wnsType === 'wns/raw' ? 'application/octet-stream' : 'text/xml';
  try {
    const { answer } = await sendAuthorized({
      cache: accessTokens,
      key:
        credentials.flow === 'classic'
          ? `classic:${credentials.packageSid}`
          : `entra:${credentials.tenantId}:${credentials.clientId}`,
      mint: () => mintAccessToken(credentials, ctx),
      send: (accessToken) =>
        request(ctx, 'WNS', channelUri, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${accessToken}`,
            'x-wns-type': payload.wnsType,
            'content-type': contentType,
          },
          body: payload.body,
        }),
      // §3.3: 401 is our access token; re-authenticate and resend once.
      isRefused: (answer) => answer.status === 401,
    });
    if (answer.kind === 'retry') return answer;
    return classifyWns(answer.status, {
      // §3.3: older documentation names X-WNS-CONTINUE-AFTER.
      retryAfter: answer.headers.get('retry-after') ?? answer.headers.get('x-wns-continue-after'),
      wnsStatus: answer.headers.get('x-wns-status'),
      errorDescription: answer.headers.get('x-wns-error-description'),
    });
  } catch (error) {
    return outcomeOf(error);
  }
}

/** §3.1: login.live.com for Store apps, Microsoft Entra for Windows App SDK apps. */
function mintAccessToken(credentials: WnsCredentials, ctx: ClientContext): Promise<MintedToken> {
  if (credentials.flow === 'classic') {
    return fetchAccessToken(ctx, 'WNS token endpoint', ctx.endpoints.wnsLoginUrl, {
      grant_type: 'client_credentials',
      client_id: credentials.packageSid,
      client_secret: credentials.clientSecret,
      scope: 'notify.windows.com',
    });
  }
  const tenant = encodeURIComponent(credentials.tenantId);
  const url = joinUrl(ctx.endpoints.wnsEntraUrl, `/${tenant}/oauth2/v2.0/token`);
  return fetchAccessToken(ctx, 'Entra token endpoint', url, {
    grant_type: 'client_credentials',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    scope: 'https://wns.windows.com/.default',
  });
}
