/** How a page of devices becomes queue messages: one profile each, bounded in count and bytes. */
import { describe, expect, it } from 'vitest';
import type { TargetDevice } from '../../src/fanout/device-pages';
import { BATCH_DEVICES, planBatches } from '../../src/fanout/plan';
import { composeFor } from '../../src/payload/compose';
import { PROVIDERS } from '../../src/providers/types';

/** Cloudflare Queues: a message may be 128 KB. */
const QUEUE_MESSAGE_BYTES = 128 * 1024;

const request = { message: 'Hello from the plan' };
const payloads = Object.fromEntries(PROVIDERS.map((p) => [p, composeFor(p, request)])) as Record<
  (typeof PROVIDERS)[number],
  ReturnType<typeof composeFor>
>;

function devicesOf(count: number, client: string, provider: 'APNS' | 'WNS', tokenLength = 64) {
  return Array.from(
    { length: count },
    (_, i): TargetDevice => ({
      id: `${client}-${String(i).padStart(5, '0')}`,
      token:
        provider === 'APNS' ? i.toString(16).padStart(tokenLength, '0') : wnsUri(i, tokenLength),
      platform: provider === 'APNS' ? 'IOS' : 'WINDOWS',
      provider,
      clientId: client,
    }),
  );
}

function wnsUri(i: number, length: number): string {
  const prefix = `https://db5.notify.windows.com/?token=${i}-`;
  return prefix + 'x'.repeat(Math.max(0, length - prefix.length));
}

const profiles = new Map([
  ['ios-app:APNS', { id: 'profile-apns', version: 7 }],
  ['win-app:WNS', { id: 'profile-wns', version: 3 }],
]);
const input = { notificationId: 41, backendId: 'backend-1', firstBatchId: 12, payloads, profiles };

describe('planBatches', () => {
  it(`cuts a profile's devices into batches of ${BATCH_DEVICES}, numbered from firstBatchId`, () => {
    const page = [...devicesOf(250, 'ios-app', 'APNS'), ...devicesOf(30, 'win-app', 'WNS')];
    const { batches, failures } = planBatches(page, input);

    expect(failures).toEqual([]);
    expect(batches.map((b) => [b.batchId, b.profileId, b.devices.length])).toEqual([
      [12, 'profile-apns', 100],
      [13, 'profile-apns', 100],
      [14, 'profile-apns', 50],
      [15, 'profile-wns', 30],
    ]);
    expect(batches.map((b) => b.profileVersion)).toEqual([7, 7, 7, 3]);
    // Every device exactly once, in page order within its profile.
    expect(batches.flatMap((b) => b.devices.map((d) => d.id))).toEqual(page.map((d) => d.id));
  });

  it('cuts by bytes too, so a batch of the longest tokens still fits one queue message', () => {
    const page = devicesOf(BATCH_DEVICES, 'win-app', 'WNS', 2048);
    const { batches } = planBatches(page, input);

    expect(batches.length).toBeGreaterThan(1);
    expect(batches.reduce((sum, b) => sum + b.devices.length, 0)).toBe(BATCH_DEVICES);
    for (const batch of batches) {
      const bytes = new TextEncoder().encode(JSON.stringify(batch)).byteLength;
      expect(bytes).toBeLessThan(QUEUE_MESSAGE_BYTES);
    }
  });

  it('keeps a full batch of 256-byte tokens (the FCM maximum) under one queue message', () => {
    const page = devicesOf(BATCH_DEVICES, 'ios-app', 'APNS', 256);
    const { batches } = planBatches(page, input);

    expect(batches).toHaveLength(1);
    const bytes = new TextEncoder().encode(JSON.stringify(batches[0])).byteLength;
    expect(bytes).toBeLessThan(QUEUE_MESSAGE_BYTES);
  });

  it('lists a device whose client has no profile for its provider as a failure', () => {
    const [orphan] = devicesOf(1, 'other-app', 'APNS');
    if (!orphan) throw new Error('no device');
    const { batches, failures } = planBatches([orphan], input);

    expect(batches).toEqual([]);
    expect(failures).toEqual([
      { platform: 'IOS', reason: "No APNS profile is linked to the device's client." },
    ]);
  });
});
