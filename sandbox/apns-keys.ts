import type { SandboxCredentials } from './credentials.ts';

/** A provider-token signing key the sandbox APNs trusts (providers.md §1.4). */
export type ApnsKey = Pick<
  SandboxCredentials['apns'],
  'teamId' | 'keyId' | 'bundleId' | 'publicKeyPem'
>;

/** Minimum time between two provider tokens of one key (§1.4: refresh at most every 20 min). */
export const TOKEN_UPDATE_MIN_SECONDS = 20 * 60;

/**
 * The trusted APNs keys by key id, and the provider token each key last used. Real APNs tracks
 * token changes per connection; HTTP/1.1 hides connections, so the sandbox tracks them per key.
 */
export class ApnsKeyring {
  readonly #keys = new Map<string, ApnsKey>();
  readonly #current = new Map<string, { jwt: string; iat: number }>();

  constructor(initial: ApnsKey) {
    this.add(initial);
  }

  add(key: ApnsKey): void {
    this.#keys.set(key.keyId, key);
  }

  get(keyId: string | undefined): ApnsKey | undefined {
    return keyId === undefined ? undefined : this.#keys.get(keyId);
  }

  /**
   * Records `jwt` as the key's token; false when it replaces a different token whose `iat` is
   * less than 20 minutes older (APNs answers 429 TooManyProviderTokenUpdates).
   */
  use(key: ApnsKey, jwt: string, iat: number): boolean {
    const id = `${key.teamId}:${key.keyId}`;
    const current = this.#current.get(id);
    if (current && current.jwt !== jwt && iat - current.iat < TOKEN_UPDATE_MIN_SECONDS) {
      return false;
    }
    if (!current || current.jwt !== jwt) this.#current.set(id, { jwt, iat });
    return true;
  }
}
