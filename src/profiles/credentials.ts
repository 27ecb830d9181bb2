/**
 * Notification profile credentials: stored sealed (AES-GCM, src/crypto/sealed.ts) in
 * profiles.credentials, validated with zod whenever they are read back.
 */
import { eq } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { z } from 'zod';
import { sha256Hex } from '../crypto/encoding';
import { seal, unseal } from '../crypto/sealed';
import { profiles } from '../db/schema';
import type { ProfileCredentials } from '../providers/types';

export const ProfileCredentialsSchema = z.union([
  z.object({
    provider: z.literal('APNS'),
    teamId: z.string().min(1),
    keyId: z.string().min(1),
    privateKeyPem: z.string().min(1),
    bundleId: z.string().min(1),
    environment: z.enum(['development', 'production']),
  }),
  z.object({
    provider: z.literal('FCM'),
    projectId: z.string().min(1),
    clientEmail: z.string().min(1),
    privateKeyId: z.string().optional(),
    privateKeyPem: z.string().min(1),
  }),
  z.object({
    provider: z.literal('WNS'),
    flow: z.literal('classic'),
    packageSid: z.string().min(1),
    clientSecret: z.string().min(1),
  }),
  z.object({
    provider: z.literal('WNS'),
    flow: z.literal('entra'),
    tenantId: z.string().min(1),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
  }),
  z.object({
    provider: z.literal('SYNIVERSE'),
    appToken: z.string().min(1),
    from: z.string().min(1),
    consentRequirement: z.literal('OPT_IN').optional(),
    consumerKey: z.string().min(1).optional(),
    consumerSecret: z.string().min(1).optional(),
  }),
]);

/** Fields that are not secret; only these are kept in profiles.settings (an allow-list). */
const PUBLIC_FIELDS = new Set([
  'provider',
  'teamId',
  'keyId',
  'bundleId',
  'environment',
  'projectId',
  'clientEmail',
  'privateKeyId',
  'flow',
  'packageSid',
  'tenantId',
  'clientId',
  'from',
  'consentRequirement',
  'consumerKey',
]);

/** The settings that may be stored in clear and shown: never keys, secrets or tokens. */
export function publicSettings(credentials: ProfileCredentials): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [key, value] of Object.entries(credentials)) {
    if (PUBLIC_FIELDS.has(key) && typeof value === 'string') shown[key] = value;
  }
  return shown;
}

/** Sealed credentials, public settings and a fingerprint, ready for a profiles row. */
export async function sealCredentials(key: string, credentials: ProfileCredentials) {
  const json = JSON.stringify(credentials);
  return {
    credentials: await seal(key, json),
    settings: JSON.stringify(publicSettings(credentials)),
    fingerprint: (await sha256Hex(json)).slice(0, 16),
  };
}

/** How long an isolate reuses a profile version's unsealed credentials. */
export const CREDENTIALS_CACHE_MS = 5 * 60_000;
const unsealed = new Map<string, { credentials: ProfileCredentials | null; until: number }>();

/**
 * A profile's credentials, unsealed; null when the profile is gone. With the profile's
 * `version` (its modifiedOn), an isolate reuses them for that version, so an updated profile is
 * read afresh at once; without it they are always read.
 */
export async function loadCredentials(
  db: DrizzleD1Database,
  key: string,
  profileId: string,
  version?: number,
): Promise<ProfileCredentials | null> {
  const cacheKey = `${profileId}:${version}`;
  const cached = version === undefined ? undefined : unsealed.get(cacheKey);
  if (cached && cached.until > Date.now()) return cached.credentials;
  const [row] = await db
    .select({ credentials: profiles.credentials })
    .from(profiles)
    .where(eq(profiles.id, profileId))
    .limit(1);
  const credentials = row
    ? ProfileCredentialsSchema.parse(JSON.parse(await unseal(key, row.credentials)))
    : null;
  if (unsealed.size > 1000) unsealed.clear();
  if (version !== undefined) {
    unsealed.set(cacheKey, { credentials, until: Date.now() + CREDENTIALS_CACHE_MS });
  }
  return credentials;
}
