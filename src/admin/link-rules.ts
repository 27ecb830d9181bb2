/**
 * When a profile may be linked to a client (issue #3): a provider that serves the client's
 * platform, equal app ids (SYNIVERSE aside), one profile per provider per client. Pure.
 */
import { providerMismatch } from '../devices/tokens';
import type { Platform, Provider } from '../providers/types';

export type LinkRefusal = { code: string; message: string };

type LinkClient = { platform: Platform; appId: string };
type LinkProfile = { id: string; provider: Provider; appId: string | null };

/** Null when `profile` may be linked to `client`, whose current links are `linked`. */
export function linkRefusal(
  client: LinkClient,
  profile: LinkProfile,
  linked: { id: string; provider: Provider }[],
): LinkRefusal | null {
  const mismatch = providerMismatch(profile.provider, client.platform);
  if (mismatch) return { code: 'PROVIDER_NOT_FOR_PLATFORM', message: mismatch };

  if (profile.provider !== 'SYNIVERSE' && profile.appId !== client.appId) {
    return {
      code: 'APP_ID_MISMATCH',
      message:
        `A profile serves one app: its app id (${profile.appId}) must equal the client's ` +
        `(${client.appId}).`,
    };
  }

  const taken = linked.find((l) => l.provider === profile.provider && l.id !== profile.id);
  if (taken && profile.provider === 'SYNIVERSE') {
    return {
      code: 'SYNIVERSE_PROFILE_LIMIT',
      message: `A client has at most one SYNIVERSE profile: unlink profile ${taken.id} first.`,
    };
  }
  if (taken) {
    return {
      code: 'PROVIDER_ALREADY_LINKED',
      message:
        `A client has one profile per provider and already has ${profile.provider} profile ` +
        `${taken.id}: unlink it first.`,
    };
  }
  return null;
}
