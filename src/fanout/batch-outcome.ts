/**
 * What one delivery attempt of a batch settles (pure): which devices are done and how they
 * count, which are dead, which wait for a retry and how long, and what to tell the coordinator.
 */
import type { Outcome, Platform } from '../providers/types';
import type { Carried, PlatformTally } from './messages';

/** Attempts per device for "retry later" answers (429, 5xx, timeouts) before it counts failed. */
export const MAX_ATTEMPTS = 5;
/** Backoff without Retry-After: base × 2, 4, 8 … capped, plus up to a second of jitter. */
export const BACKOFF_BASE_SECONDS = 2;
const BACKOFF_CAP_SECONDS = 300;
/** Cloudflare Queues delay messages by at most 12 hours. */
const MAX_DELAY_SECONDS = 12 * 3600;

type Device = { id: string; platform: Platform };

export type AttemptResult = {
  /** Everything settled so far, this attempt included. */
  settled: Carried;
  /** Devices to send again after `delaySeconds`. */
  retry: { deviceIds: string[]; delaySeconds: number };
  /** Devices whose token the provider says is dead: remove now. */
  dead: string[];
  /** The provider rejected the profile (credentials/configuration): the first such reason. */
  rejected: string | null;
};

/** How a retry waits: `jitter` in [0, 1), `baseSeconds` of the exponential backoff. */
export type Backoff = { jitter: number; baseSeconds: number };

export function settleAttempt(
  devices: Device[],
  outcomes: Outcome[],
  attempt: number,
  carried: Carried | undefined,
  backoff: Backoff,
): AttemptResult {
  const tallies = new Map<Platform, PlatformTally>();
  for (const tally of carried?.tallies ?? []) tallies.set(tally.platform, { ...tally });
  const settled: Carried = {
    tallies: [],
    firstError: carried?.firstError ?? null,
    suspects: [...(carried?.suspects ?? [])],
    otherAnswers: carried?.otherAnswers ?? 0,
  };
  const retryIds: string[] = [];
  const retryAfter: number[] = [];
  const dead: string[] = [];
  // Once the provider rejected the profile, nothing of this batch is tried again.
  const rejected = outcomes.find((o) => o.kind === 'credentials')?.reason ?? null;
  const lastAttempt = attempt >= MAX_ATTEMPTS || rejected !== null;

  devices.forEach((device, i) => {
    const outcome = outcomes[i] ?? { kind: 'retry', reason: 'not sent' };
    if (outcome.kind === 'retry' && !lastAttempt) {
      retryIds.push(device.id);
      if (outcome.retryAfterSeconds !== undefined) retryAfter.push(outcome.retryAfterSeconds);
      return;
    }
    const tally = tallies.get(device.platform) ?? {
      platform: device.platform,
      deviceCount: 0,
      successCount: 0,
    };
    tally.deviceCount += 1;
    tallies.set(device.platform, tally);
    if (outcome.kind === 'dead' && outcome.ambiguous) settled.suspects.push(device.id);
    else settled.otherAnswers += 1;
    if (outcome.kind === 'accepted') {
      tally.successCount += 1;
      return;
    }
    settled.firstError ??= outcome.reason;
    if (outcome.kind === 'dead' && !outcome.ambiguous) dead.push(device.id);
  });

  settled.tallies = [...tallies.values()];
  return {
    settled,
    retry: { deviceIds: retryIds, delaySeconds: retryDelay(attempt, retryAfter, backoff) },
    dead,
    rejected,
  };
}

/** Honours the longest Retry-After; without one, capped exponential backoff with jitter. */
export function retryDelay(attempt: number, retryAfter: number[], backoff: Backoff): number {
  const exponential = backoff.baseSeconds * 2 ** (attempt - 1);
  const seconds =
    retryAfter.length > 0
      ? Math.max(...retryAfter)
      : Math.min(BACKOFF_CAP_SECONDS, exponential) + backoff.jitter;
  return Math.min(MAX_DELAY_SECONDS, Math.ceil(seconds));
}
