import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, retryDelay, settleAttempt } from '../../src/fanout/batch-outcome';
import type { Outcome } from '../../src/providers/types';

const backoff = { jitter: 0.5, baseSeconds: 2 };
const ios = (id: string) => ({ id, platform: 'IOS' as const });
const retry: Outcome = { kind: 'retry', reason: 'APNs 503 ServiceUnavailable' };

describe('retryDelay', () => {
  it('doubles from the base with jitter and caps at 300 s when there is no Retry-After', () => {
    expect([1, 2, 3, 4].map((a) => retryDelay(a, [], backoff))).toEqual([3, 5, 9, 17]);
    expect(retryDelay(12, [], backoff)).toBe(301);
  });

  it('waits for the longest Retry-After when one is given', () => {
    expect(retryDelay(1, [30, 5], backoff)).toBe(30);
    expect(retryDelay(1, [90_000], backoff)).toBe(43_200);
  });
});

describe('settleAttempt', () => {
  it('keeps retry devices for later and counts the settled ones when attempts remain', () => {
    const outcomes: Outcome[] = [
      { kind: 'accepted' },
      { ...retry, retryAfterSeconds: 7 },
      { kind: 'dead', reason: 'APNs 410 Unregistered' },
      { kind: 'dead', reason: 'APNs 400 BadDeviceToken', ambiguous: true },
    ];
    const result = settleAttempt(['a', 'b', 'c', 'd'].map(ios), outcomes, 1, undefined, backoff);
    expect(result.retry).toEqual({ deviceIds: ['b'], delaySeconds: 7 });
    expect(result.dead).toEqual(['c']);
    expect(result.rejected).toBeNull();
    expect(result.settled).toEqual({
      tallies: [{ platform: 'IOS', deviceCount: 3, successCount: 1 }],
      firstError: 'APNs 410 Unregistered',
      suspects: ['d'],
      otherAnswers: 2,
    });
  });

  it('adds what earlier attempts carried when the retry settles', () => {
    const carried = {
      tallies: [{ platform: 'IOS' as const, deviceCount: 3, successCount: 1 }],
      firstError: 'APNs 410 Unregistered',
      suspects: [],
      otherAnswers: 3,
    };
    const result = settleAttempt([ios('b')], [{ kind: 'accepted' }], 2, carried, backoff);
    expect(result.retry.deviceIds).toEqual([]);
    expect(result.settled.tallies).toEqual([{ platform: 'IOS', deviceCount: 4, successCount: 2 }]);
  });

  it('counts a retry as failed with its reason on the last attempt', () => {
    const result = settleAttempt([ios('a')], [retry], MAX_ATTEMPTS, undefined, backoff);
    expect(result.retry.deviceIds).toEqual([]);
    expect(result.settled.tallies).toEqual([{ platform: 'IOS', deviceCount: 1, successCount: 0 }]);
    expect(result.settled.firstError).toBe('APNs 503 ServiceUnavailable');
  });

  it('retries nothing once the provider rejected the profile', () => {
    const outcomes: Outcome[] = [retry, { kind: 'credentials', reason: 'APNs 403 Forbidden' }];
    const result = settleAttempt([ios('a'), ios('b')], outcomes, 1, undefined, backoff);
    expect(result.retry.deviceIds).toEqual([]);
    expect(result.rejected).toBe('APNs 403 Forbidden');
  });
});
