/**
 * Shared shapes of the provider layer: what a provider client is given (profile credentials,
 * endpoints, a composed payload) and what it answers (an Outcome per device).
 */

export const PROVIDERS = ['APNS', 'FCM', 'WNS', 'SYNIVERSE'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const PLATFORMS = ['IOS', 'ANDROID', 'WINDOWS', 'WEB'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * What one provider answer means for the device and the send (providers.md §7):
 * - accepted: the provider took the message;
 * - dead: the token will never work again, remove the device;
 * - retry: transient (429/5xx/timeout), may be tried again later;
 * - credentials: our credentials or configuration were rejected, stop sending with this profile;
 * - bad-message: the provider refused our request (our fault), the device stays.
 */
export type Outcome =
  | { kind: 'accepted' }
  /** `ambiguous`: dead only if not every token of the send says the same (APNs BadDeviceToken). */
  | { kind: 'dead'; reason: string; ambiguous?: true }
  | { kind: 'retry'; reason: string; retryAfterSeconds?: number }
  | { kind: 'credentials'; reason: string }
  | { kind: 'bad-message'; reason: string };

/** The wire body for one provider, composed once per notification (no device token inside). */
export type ProviderPayload =
  | { provider: 'APNS'; body: string; pushType: 'alert' | 'background'; priority: 5 | 10 }
  | { provider: 'FCM'; message: Record<string, unknown> }
  | { provider: 'WNS'; wnsType: 'wns/toast' | 'wns/tile' | 'wns/badge' | 'wns/raw'; body: string }
  | { provider: 'SYNIVERSE'; text: string };

/** Decrypted credentials plus settings of one notification profile, per provider. */
export type ApnsCredentials = {
  provider: 'APNS';
  teamId: string;
  keyId: string;
  /** The .p8 file: PKCS#8 PEM of a P-256 key. */
  privateKeyPem: string;
  bundleId: string;
  environment: 'development' | 'production';
};

export type FcmCredentials = {
  provider: 'FCM';
  projectId: string;
  clientEmail: string;
  privateKeyId?: string;
  /** PKCS#8 PEM of the service account's RSA key. */
  privateKeyPem: string;
};

export type WnsCredentials =
  | { provider: 'WNS'; flow: 'classic'; packageSid: string; clientSecret: string }
  | { provider: 'WNS'; flow: 'entra'; tenantId: string; clientId: string; clientSecret: string };

export type SyniverseCredentials = {
  provider: 'SYNIVERSE';
  appToken: string;
  /** `sender_id:<id>` or `channel:<id>`. */
  from: string;
  /** Consent management on: send only to numbers that opted in (providers.md §4.4). */
  consentRequirement?: 'OPT_IN';
  /** The SDC application's consumer key and secret, to refresh an expired app token (§4.1). */
  consumerKey?: string;
  consumerSecret?: string;
};

export type ProfileCredentials =
  | ApnsCredentials
  | FcmCredentials
  | WnsCredentials
  | SyniverseCredentials;

/** Base URLs of every provider; production values in wrangler.toml, sandbox ones in tests. */
export type ProviderEndpoints = {
  apnsProductionUrl: string;
  apnsDevelopmentUrl: string;
  fcmUrl: string;
  googleTokenUrl: string;
  wnsLoginUrl: string;
  wnsEntraUrl: string;
  /** Origins allowed for WNS channel URIs besides https://*.notify.windows.com. */
  wnsChannelOrigins: string[];
  syniverseUrl: string;
  /** The SDC apptoken-refresh endpoint (providers.md §4.1). */
  syniverseTokenUrl: string;
};

/** One device of a delivery batch. */
export type DeliveryTarget = { deviceId: string; token: string };
