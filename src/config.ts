/** Configuration read from the Worker's environment. */
import type { ProviderEndpoints } from './providers/types';

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function providerEndpoints(env: Env): ProviderEndpoints {
  return {
    apnsProductionUrl: env.APNS_PRODUCTION_URL,
    apnsDevelopmentUrl: env.APNS_DEVELOPMENT_URL,
    fcmUrl: env.FCM_URL,
    googleTokenUrl: env.GOOGLE_TOKEN_URL,
    wnsLoginUrl: env.WNS_LOGIN_URL,
    wnsEntraUrl: env.WNS_ENTRA_URL,
    wnsChannelOrigins: splitList(env.WNS_CHANNEL_ORIGINS),
    syniverseUrl: env.SYNIVERSE_URL,
    syniverseTokenUrl: env.SYNIVERSE_TOKEN_URL,
  };
}
