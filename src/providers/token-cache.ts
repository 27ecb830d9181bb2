/**
 * In-isolate cache of bearer tokens (APNs provider JWTs, Google and WNS access tokens), one per
 * key, with at most one mint in flight per key.
 * APNs provider JWTs are shared across isolates by src/providers/apns-token-keeper.ts.
 */

/** A freshly minted token and the epoch ms after which it must no longer be sent. */
export type MintedToken = { value: string; useUntil: number };

type Entry = MintedToken & { mintedAt: number };

/**
 * When to stop using an access token that expires in `expiresInSeconds`: five minutes before,
 * or halfway for a lifetime under ten minutes.
 */
export function accessTokenUseUntil(expiresInSeconds: number, now: number): number {
  const seconds = expiresInSeconds > 600 ? expiresInSeconds - 300 : expiresInSeconds / 2;
  return now + seconds * 1000;
}

/** Where a client gets its bearer token for a key, and hands back one the provider refused. */
export interface TokenSource {
  get(key: string, mint: () => Promise<MintedToken>): Promise<string>;
  refresh(
    key: string,
    rejected: string,
    mint: () => Promise<MintedToken>,
    minAgeMs?: number,
  ): Promise<string | undefined>;
  drop(key: string, rejected: string): void;
}

/** Keys name a profile's identity (team/key id, client email, client id), never a secret. */
export class TokenCache implements TokenSource {
  #entries = new Map<string, Entry>();
  #minting = new Map<string, Promise<Entry>>();

  /** The cached token for `key`, minted with `mint` when absent or past its use-until time. */
  async get(key: string, mint: () => Promise<MintedToken>): Promise<string> {
    const entry = this.#entries.get(key);
    if (entry && entry.useUntil > Date.now()) return entry.value;
    return (await this.#mint(key, mint)).value;
  }

  /**
   * Replaces `rejected` after the provider refused it: mints once however many sends saw the
   * refusal. Answers undefined when `rejected` is still cached and younger than `minAgeMs`.
   */
  async refresh(
    key: string,
    rejected: string,
    mint: () => Promise<MintedToken>,
    minAgeMs = 0,
  ): Promise<string | undefined> {
    const entry = this.#entries.get(key);
    if (entry?.value === rejected && Date.now() - entry.mintedAt < minAgeMs) return undefined;
    if (entry?.value === rejected) this.#entries.delete(key);
    return this.get(key, mint);
  }

  /** Forgets `rejected` if it is still the cached token for `key`. */
  drop(key: string, rejected: string): void {
    if (this.#entries.get(key)?.value === rejected) this.#entries.delete(key);
  }

  #mint(key: string, mint: () => Promise<MintedToken>): Promise<Entry> {
    const inFlight = this.#minting.get(key);
    if (inFlight) return inFlight;
    const mintedAt = Date.now();
    const promise = mint()
      .then((minted) => {
        const entry = { ...minted, mintedAt };
        this.#entries.set(key, entry);
        return entry;
      })
      .finally(() => this.#minting.delete(key));
    this.#minting.set(key, promise);
    return promise;
  }
}
