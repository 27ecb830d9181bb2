/**
 * Splits a page of target devices into delivery batches, one provider profile per batch, and
 * lists the devices that cannot be sent at all (no linked profile, nothing to send). Pure.
 */
import type { Composed } from '../payload/compose';
import type { Platform, Provider } from '../providers/types';
import type { TargetDevice } from './device-pages';
import type { DeliveryBatch } from './messages';

export const BATCH_DEVICES = 100;
/**
 * Queue messages may be 128 KB and tokens 4 KB each, so batches are also cut by size: tokens
 * counted at 3 bytes a character (UTF-8 at worst) stay under 96 KB, leaving room for the payload
 * (at most 5 KB) and the ids. A full batch of 256-byte tokens (FCM's longest) fits.
 */
export const BATCH_TOKEN_BYTES = 96 * 1024;

export type PlanInput = {
  notificationId: number;
  backendId: string;
  firstBatchId: number;
  payloads: Record<Provider, Composed>;
  /** `${clientId}:${provider}` → the linked profile and its version (its modifiedOn). */
  profiles: Map<string, { id: string; version: number }>;
};

export type Plan = {
  batches: DeliveryBatch[];
  failures: { platform: Platform; reason: string }[];
};

export function planBatches(devices: TargetDevice[], input: PlanInput): Plan {
  const groups = new Map<string, { version: number; devices: TargetDevice[] }>();
  const failures: Plan['failures'] = [];

  for (const device of devices) {
    const composed = input.payloads[device.provider];
    if (!composed.ok) {
      failures.push({ platform: device.platform, reason: composed.reason });
      continue;
    }
    const profile = input.profiles.get(`${device.clientId}:${device.provider}`);
    if (!profile) {
      const reason = `No ${device.provider} profile is linked to the device's client.`;
      failures.push({ platform: device.platform, reason });
      continue;
    }
    const group = groups.get(profile.id) ?? { version: profile.version, devices: [] };
    group.devices.push(device);
    groups.set(profile.id, group);
  }

  const batches: DeliveryBatch[] = [];
  for (const [profileId, { version, devices: group }] of groups) {
    const provider = group[0]?.provider;
    const composed = provider ? input.payloads[provider] : undefined;
    if (!composed?.ok) continue;
    for (const slice of slices(group)) {
      batches.push({
        notificationId: input.notificationId,
        backendId: input.backendId,
        batchId: input.firstBatchId + batches.length,
        profileId,
        profileVersion: version,
        payload: composed.payload,
        devices: slice.map(({ id, token, platform }) => ({ id, token, platform })),
      });
    }
  }
  return { batches, failures };
}

function slices(group: TargetDevice[]): TargetDevice[][] {
  const out: TargetDevice[][] = [];
  let current: TargetDevice[] = [];
  let bytes = 0;
  for (const device of group) {
    const size = device.token.length * 3;
    if (
      current.length === BATCH_DEVICES ||
      (current.length > 0 && bytes + size > BATCH_TOKEN_BYTES)
    ) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(device);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
