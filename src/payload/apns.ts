/** APNs payloads (providers.md §1.3): a JSON object with an `aps` dictionary. Pure. */
import type { ProviderPayload } from '../providers/types';
import type { Issue } from './issues';
import { isObject } from './json';

type ApnsPayload = Extract<ProviderPayload, { provider: 'APNS' }>;

/** §1.3: the payload must hold an `aps` dictionary. */
export function apnsIssues(object: Record<string, unknown>): Issue[] {
  if (isObject(object.aps)) return [];
  return [{ path: ['aps'], message: 'An APNS payload needs an aps dictionary.' }];
}

/**
 * The APNs payload for `object`. §1.3: a silent push (content-available 1 without alert, badge
 * or sound) goes as push type background with priority 5.
 */
export function apnsPayload(object: Record<string, unknown>): ApnsPayload {
  const aps = isObject(object.aps) ? object.aps : {};
  const silent =
    aps['content-available'] === 1 && !('alert' in aps) && !('badge' in aps) && !('sound' in aps);
  return {
    provider: 'APNS',
    body: JSON.stringify(object),
    pushType: silent ? 'background' : 'alert',
    priority: silent ? 5 : 10,
  };
}
