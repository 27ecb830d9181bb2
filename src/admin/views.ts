/**
 * Backends, clients and profiles as the administration API returns them. A profile shows its
 * non-secret settings and a fingerprint, never a private key, secret or token.
 */
import { z } from 'zod';
import type { backends, clients, profiles } from '../db/schema';
import { formatTimestamp } from '../http/time';
import type { Provider } from '../providers/types';

type BackendRow = typeof backends.$inferSelect;
type ClientRow = typeof clients.$inferSelect;
type ProfileRow = typeof profiles.$inferSelect;

/** A profile linked to a client, as listed in the client. */
export type LinkedProfile = Pick<ProfileRow, 'id' | 'name' | 'provider'>;

const PoliciesSchema = z.record(z.string(), z.unknown());
const VersionsSchema = z.array(z.string());
const SettingsSchema = z.record(z.string(), z.string());

/** The backend without its OAuth client secret (only its hash is stored anyway). */
export function backendView(row: BackendRow) {
  return {
    id: row.id,
    name: row.name,
    anonymousKey: row.anonymousKey,
    oauthClientId: row.oauthClientId,
    policies: PoliciesSchema.parse(JSON.parse(row.policies)),
    createdOn: formatTimestamp(row.createdOn),
  };
}

export function clientView(row: ClientRow, linked: LinkedProfile[]) {
  return {
    id: row.id,
    name: row.name,
    displayName: row.displayName,
    platform: row.platform,
    appId: row.appId,
    versions: VersionsSchema.parse(JSON.parse(row.versions)),
    profiles: linked.map(({ id, name, provider }) => ({ id, name, provider })),
    createdOn: formatTimestamp(row.createdOn),
  };
}

export function profileView(row: ProfileRow) {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    appId: row.appId,
    settings: settingsView(row.provider, row.appId, SettingsSchema.parse(JSON.parse(row.settings))),
    fingerprint: row.fingerprint,
    createdOn: formatTimestamp(row.createdOn),
    modifiedOn: formatTimestamp(row.modifiedOn),
  };
}

/** Only these stored settings are ever shown (an allow-list, not a deny-list). */
const SHOWN: Record<Provider, string[]> = {
  APNS: ['teamId', 'keyId', 'bundleId', 'environment'],
  FCM: ['projectId', 'clientEmail', 'privateKeyId'],
  WNS: ['flow', 'packageSid', 'tenantId', 'clientId'],
  SYNIVERSE: [],
};

/** The settings under the names the request's `credentials` use. */
function settingsView(provider: Provider, appId: string | null, stored: Record<string, string>) {
  const shown: Record<string, string | boolean> = {};
  for (const key of SHOWN[provider]) {
    const value = stored[key];
    if (value !== undefined) shown[key] = value;
  }
  switch (provider) {
    case 'FCM':
      return { packageName: appId, ...shown };
    case 'WNS':
      return { appId, ...shown };
    case 'SYNIVERSE': {
      const from = stored.from ?? '';
      const colon = from.indexOf(':');
      const sender = from.slice(0, colon) === 'channel' ? 'channel' : 'senderId';
      return {
        [sender]: from.slice(colon + 1),
        consentManagement: stored.consentRequirement === 'OPT_IN',
      };
    }
    default:
      return shown;
  }
}
