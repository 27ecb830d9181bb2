/** Request bodies of the administration API (README, Administration API). */
import { z } from 'zod';
import { AppIdSchema, CredentialsInputSchemas } from '../profiles/validate';
import { PLATFORMS, type Platform, type Provider } from '../providers/types';

/** Names of clients and profiles, unique per backend. */
export const NameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]{1,100}$/,
    'A name is 1 to 100 letters, digits, dots, hyphens or underscores (no spaces).',
  );

const DisplayNameSchema = z.string().trim().min(1).max(200);

const VersionsSchema = z
  .array(z.string().regex(/^\S{1,64}$/, 'A version is 1 to 64 characters without white space.'))
  .min(1, 'Give at least one version.')
  .max(100, 'Give at most 100 versions.')
  .refine((versions) => new Set(versions).size === versions.length, 'Versions must be unique.');

export const ClientCreateSchema = z.strictObject({
  name: NameSchema,
  displayName: DisplayNameSchema,
  platform: z.enum(PLATFORMS),
  appId: AppIdSchema,
  versions: VersionsSchema,
});
export type ClientCreate = z.infer<typeof ClientCreateSchema>;

/** A partial update of `current`; its app id and platform may be repeated but not changed. */
export function clientUpdateSchema(current: { appId: string; platform: Platform }) {
  return z.strictObject({
    name: NameSchema.optional(),
    displayName: DisplayNameSchema.optional(),
    versions: VersionsSchema.optional(),
    appId: z
      .literal(current.appId, 'The app id of a client cannot be changed after creation.')
      .optional(),
    platform: z
      .literal(current.platform, 'The platform of a client cannot be changed after creation.')
      .optional(),
  });
}

function profileOption<P extends Provider>(provider: P) {
  return z.strictObject({
    name: NameSchema,
    provider: z.literal(provider),
    credentials: CredentialsInputSchemas[provider],
  });
}

export const ProfileCreateSchema = z.discriminatedUnion(
  'provider',
  [profileOption('APNS'), profileOption('FCM'), profileOption('WNS'), profileOption('SYNIVERSE')],
  { error: 'The provider is one of APNS, FCM, WNS and SYNIVERSE.' },
);
export type ProfileCreate = z.infer<typeof ProfileCreateSchema>;

/** A partial update of a `provider` profile: new credentials are given whole. */
export function profileUpdateSchema(provider: Provider) {
  return z.strictObject({
    name: NameSchema.optional(),
    provider: z
      .literal(provider, 'The provider of a profile cannot be changed; create a new profile.')
      .optional(),
    credentials: CredentialsInputSchemas[provider].optional(),
  });
}

export const PoliciesSchema = z.strictObject({
  Notifications_DeviceCountWarningThreshold: z.int().min(0).max(100).optional(),
});
