/** Opaque OAuth access tokens issued by a sandbox token endpoint, with their expiry. */
export class AccessTokens {
  readonly #expiries = new Map<string, number>();

  /** Remembers `token` as valid for `ttlSeconds`, dropping expired ones. */
  issue(token: string, ttlSeconds: number): string {
    const now = Date.now();
    for (const [known, expiresAt] of this.#expiries) {
      if (expiresAt <= now) this.#expiries.delete(known);
    }
    this.#expiries.set(token, now + ttlSeconds * 1000);
    return token;
  }

  /** True when `token` was issued here and has not expired. */
  isValid(token: string | undefined): boolean {
    const expiresAt = token === undefined ? undefined : this.#expiries.get(token);
    return expiresAt !== undefined && expiresAt > Date.now();
  }
}
