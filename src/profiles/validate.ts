/**
 * Notification profile credentials as the administration API takes them, checked on save:
 * formats, and private keys imported with jose exactly as the provider clients import them.
 */
import { importPKCS8 } from 'jose';
import { z } from 'zod';
import type { ProfileCredentials, Provider, SyniverseCredentials } from '../providers/types';

/** App ids (bundle id, package name, WNS app id) compare equal to a client's app id. */
export const AppIdSchema = z
  .string()
  .regex(/^\S{1,255}$/, 'An app id is 1 to 255 characters without white space.');

/** A PKCS#8 PEM jose imports for `alg`; literal `\n` (pasted env values) become newlines. */
function privateKeyPem(alg: 'ES256' | 'RS256', message: string) {
  return z
    .string()
    .overwrite((pem) => pem.replaceAll('\\n', '\n').trim())
    .min(1, { error: message, abort: true })
    .refine((pem) => importable(pem, alg), message);
}

async function importable(pem: string, alg: 'ES256' | 'RS256'): Promise<boolean> {
  try {
    await importPKCS8(pem, alg);
    return true;
  } catch {
    return false;
  }
}

const APPLE_ID = /^[A-Z0-9]{10}$/;

const ApnsInputSchema = z.strictObject({
  teamId: z.string().regex(APPLE_ID, 'The Team ID is 10 upper-case letters or digits.'),
  keyId: z.string().regex(APPLE_ID, 'The Key ID is 10 upper-case letters or digits.'),
  privateKey: privateKeyPem(
    'ES256',
    'The private key must be the .p8 file: a PKCS#8 PEM of a P-256 key.',
  ),
  bundleId: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,155}$/, 'A bundle id is letters, digits, dots and hyphens.'),
  environment: z.enum(['development', 'production']),
});

/** The fields of a Google service-account key file the sender uses (providers.md §2.1). */
const ServiceAccountSchema = z.object({
  type: z.literal('service_account', 'The key file must be a service account key.').optional(),
  project_id: z.string().min(1),
  client_email: z.email(),
  private_key_id: z.string().min(1).optional(),
  private_key: privateKeyPem('RS256', 'The private_key must be a PKCS#8 PEM of an RSA key.'),
});

/** The key file as JSON text or as the parsed object. */
const ServiceAccountFileSchema = z.preprocess((value, ctx) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'The service account key file is not valid JSON.' });
    return z.NEVER;
  }
}, ServiceAccountSchema);

const FcmInputSchema = z.strictObject({
  packageName: AppIdSchema,
  serviceAccount: ServiceAccountFileSchema,
});

const WnsSecretSchema = z.string().min(1).max(1024);

const WnsInputSchema = z.discriminatedUnion(
  'flow',
  [
    z.strictObject({
      appId: AppIdSchema,
      flow: z.literal('classic'),
      packageSid: z
        .string()
        .regex(/^ms-app:\/\/s-1-15-2(-\d+)+$/i, 'A package SID looks like ms-app://S-1-15-2-….'),
      clientSecret: WnsSecretSchema,
    }),
    z.strictObject({
      appId: AppIdSchema,
      flow: z.literal('entra'),
      tenantId: z
        .string()
        .regex(/^[A-Za-z0-9.-]{1,255}$/, 'The tenant is a directory id or a domain name.'),
      clientId: z.guid('The client id is the application (client) id, a GUID.'),
      clientSecret: WnsSecretSchema,
    }),
  ],
  { error: 'The flow is classic (package SID and secret) or entra (Microsoft Entra app).' },
);

const SYNIVERSE_ID = /^[A-Za-z0-9_-]{1,64}$/;

const SyniverseInputSchema = z
  .strictObject({
    appToken: z
      .string()
      .regex(/^\S{1,1024}$/, 'The app token is 1 to 1024 characters without white space.'),
    senderId: z.string().regex(SYNIVERSE_ID, 'A sender id is letters, digits, _ and -.').optional(),
    channel: z.string().regex(SYNIVERSE_ID, 'A channel id is letters, digits, _ and -.').optional(),
    consentManagement: z.boolean().default(false),
    /** The SDC application's consumer key and secret: needed to refresh an expired app token. */
    consumerKey: z
      .string()
      .regex(/^\S{1,256}$/)
      .optional(),
    consumerSecret: z
      .string()
      .regex(/^\S{1,256}$/)
      .optional(),
  })
  .refine((input) => (input.consumerKey === undefined) === (input.consumerSecret === undefined), {
    path: ['consumerSecret'],
    message: 'Give both consumerKey and consumerSecret, or neither.',
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  })
  .refine((input) => (input.senderId === undefined) !== (input.channel === undefined), {
    path: ['senderId'],
    message: 'Give exactly one of senderId and channel.',
    // Also when other fields are bad, so that one answer lists every problem.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  });

/** Per provider, the schema of the `credentials` a profile is created or updated with. */
export const CredentialsInputSchemas = {
  APNS: ApnsInputSchema,
  FCM: FcmInputSchema,
  WNS: WnsInputSchema,
  SYNIVERSE: SyniverseInputSchema,
} as const satisfies Record<Provider, z.ZodType>;

/** Validated `credentials` of one provider. */
export type CredentialsInput = {
  [P in Provider]: { provider: P; credentials: z.infer<(typeof CredentialsInputSchemas)[P]> };
}[Provider];

/** The credentials to seal and the app id the profile serves (null for SYNIVERSE). */
export function toCredentials(input: CredentialsInput): {
  credentials: ProfileCredentials;
  appId: string | null;
} {
  switch (input.provider) {
    case 'APNS': {
      const { privateKey, ...settings } = input.credentials;
      const credentials = { provider: 'APNS', ...settings, privateKeyPem: privateKey } as const;
      return { credentials, appId: settings.bundleId };
    }
    case 'FCM': {
      const { packageName, serviceAccount: account } = input.credentials;
      const credentials = {
        provider: 'FCM',
        projectId: account.project_id,
        clientEmail: account.client_email,
        ...(account.private_key_id ? { privateKeyId: account.private_key_id } : {}),
        privateKeyPem: account.private_key,
      } as const;
      return { credentials, appId: packageName };
    }
    case 'WNS': {
      const { appId, ...flow } = input.credentials;
      return { credentials: { provider: 'WNS', ...flow }, appId };
    }
    case 'SYNIVERSE': {
      const { appToken, senderId, channel, consentManagement, consumerKey, consumerSecret } =
        input.credentials;
      const credentials: SyniverseCredentials = {
        provider: 'SYNIVERSE',
        appToken,
        from: senderId !== undefined ? `sender_id:${senderId}` : `channel:${channel}`,
        ...(consumerKey && consumerSecret ? { consumerKey, consumerSecret } : {}),
      };
      if (consentManagement) credentials.consentRequirement = 'OPT_IN';
      return { credentials, appId: null };
    }
  }
}
