/**
 * ApnsTokenKeeper: one Durable Object per APNs key (team id + key id) holding the provider JWT
 * every isolate uses, so the key's token changes at most once per 45 minutes however many
 * isolates send (providers.md §1.4; APNs answers 429 TooManyProviderTokenUpdates otherwise).
 * Storage: `jwt` → {value, mintedAt, useUntil}.
 */
import { DurableObject } from 'cloudflare:workers';
import { z } from 'zod';
import { apnsKeyId, JWT_MIN_AGE_MS, mintApnsJwt } from './apns-jwt';
import { OutcomeError } from './http';
import { TokenCache, type TokenSource } from './token-cache';
import type { ApnsCredentials } from './types';

const StoredJwtSchema = z.object({ value: z.string(), mintedAt: z.number(), useUntil: z.number() });
type StoredJwt = z.infer<typeof StoredJwtSchema>;

/** What the keeper answers over RPC (errors do not keep their class across RPC). */
export type KeeperAnswer =
  | { ok: true; value: string; useUntil: number }
  | { ok: false; reason: string }
  | { ok: false; tooYoung: true };

export class ApnsTokenKeeper extends DurableObject<Env> {
  /** The current JWT, minted when there is none or it is past its reuse time. */
  async current(credentials: ApnsCredentials): Promise<KeeperAnswer> {
    const stored = await this.#stored();
    if (stored && stored.useUntil > Date.now()) return { ok: true, ...stored };
    return this.#mint(credentials);
  }

  /** Replaces `rejected` (refused as expired) unless it is younger than 20 minutes. */
  async replace(credentials: ApnsCredentials, rejected: string): Promise<KeeperAnswer> {
    const stored = await this.#stored();
    if (stored && stored.value !== rejected) return { ok: true, ...stored };
    if (stored && Date.now() - stored.mintedAt < JWT_MIN_AGE_MS)
      return { ok: false, tooYoung: true };
    return this.#mint(credentials);
  }

  /** Forgets `rejected` (refused as invalid), so a corrected key is used at once. */
  async forget(rejected: string): Promise<void> {
    const stored = await this.#stored();
    if (stored?.value === rejected) await this.ctx.storage.delete('jwt');
  }

  async #stored(): Promise<StoredJwt | undefined> {
    const parsed = StoredJwtSchema.safeParse(await this.ctx.storage.get('jwt'));
    return parsed.success ? parsed.data : undefined;
  }

  async #mint(credentials: ApnsCredentials): Promise<KeeperAnswer> {
    try {
      const minted = await mintApnsJwt(credentials);
      const stored = { ...minted, mintedAt: Date.now() };
      await this.ctx.storage.put('jwt', stored);
      return { ok: true, value: stored.value, useUntil: stored.useUntil };
    } catch (error) {
      if (error instanceof OutcomeError) return { ok: false, reason: error.outcome.reason };
      throw error;
    }
  }
}

type KeeperStub = {
  current(credentials: ApnsCredentials): Promise<KeeperAnswer>;
  replace(credentials: ApnsCredentials, rejected: string): Promise<KeeperAnswer>;
  forget(rejected: string): Promise<void>;
};

/** Isolate copies of the keepers' JWTs, so a send asks its keeper once per JWT, not per device. */
const copies = new TokenCache();

/** A TokenSource for one APNs profile backed by that key's ApnsTokenKeeper. */
export function sharedApnsTokens(
  namespace: DurableObjectNamespace<ApnsTokenKeeper>,
  credentials: ApnsCredentials,
): TokenSource {
  const keeper = (): KeeperStub => namespace.get(namespace.idFromName(apnsKeyId(credentials)));
  const unwrap = (answer: KeeperAnswer) => {
    if (answer.ok) return { value: answer.value, useUntil: answer.useUntil };
    if ('reason' in answer) throw new OutcomeError({ kind: 'credentials', reason: answer.reason });
    return undefined;
  };
  return {
    get: (key) =>
      copies.get(key, async () => unwrap(await keeper().current(credentials)) ?? never()),
    async refresh(key, rejected) {
      copies.drop(key, rejected);
      const fresh = unwrap(await keeper().replace(credentials, rejected));
      return fresh ? copies.get(key, async () => fresh) : undefined;
    },
    drop(key, rejected) {
      copies.drop(key, rejected);
      void keeper().forget(rejected);
    },
  };
}

function never(): never {
  throw new Error('the APNs token keeper answered without a token');
}
