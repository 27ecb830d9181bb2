/**
 * FCM HTTP v1 messages we pass on (providers.md §2.3): the fields we accept, reserved data keys,
 * and `map<string, string>` fields made of strings. Pure.
 */
import type { Issue } from './issues';
import { isObject } from './json';

const FIELDS = new Set(['notification', 'data', 'android', 'apns', 'webpush', 'fcm_options']);
const TARGETS = new Set(['token', 'topic', 'condition', 'fid', 'name']);
const NOTIFICATION_FIELDS = new Set(['title', 'body', 'image']);
/** §2.3: `android.ttl` is a Duration string of at most 4 weeks. */
const DURATION = /^\d+(?:\.\d{1,9})?s$/;
const MAX_TTL_SECONDS = 2_419_200;
/** The `map<string, string>` fields of a message, as [block, field]; '' is the message itself. */
const STRING_MAPS: [string, string][] = [
  ['', 'data'],
  ['android', 'data'],
  ['apns', 'headers'],
  ['webpush', 'headers'],
  ['webpush', 'data'],
];

/**
 * §2.3 and FCM's ErrorCode doc: `from`, `message_type`, `notification`, `gcm`, and keys starting
 * `gcm.` or `google` are reserved in data.
 */
export function isReservedDataKey(key: string): boolean {
  return (
    key === 'from' ||
    key === 'message_type' ||
    key === 'notification' ||
    key === 'gcm' ||
    key.startsWith('gcm.') ||
    key.startsWith('google')
  );
}

/** Issues for every data key FCM reserves. */
export function reservedKeyIssues(data: Record<string, unknown>): Issue[] {
  return Object.keys(data)
    .filter(isReservedDataKey)
    .map((key) => ({ path: [key], message: `"${key}" is a data key reserved by FCM.` }));
}

/** Values as FCM needs them: strings as they are, other values as compact JSON, null dropped. */
export function stringValues(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
  );
}

/** Everything in `message` that FCM would refuse, or that is not ours to set (the target). */
export function fcmMessageIssues(message: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  for (const [key, value] of Object.entries(message)) {
    if (TARGETS.has(key)) {
      issues.push({ path: [key], message: `${key} is set by the service for each device.` });
    } else if (!FIELDS.has(key)) {
      issues.push({ path: [key], message: `${key} is not a field of an FCM message.` });
    } else if (!isObject(value)) {
      issues.push({ path: [key], message: `${key} must be an object.` });
    }
  }
  if (!('notification' in message) && !('data' in message)) {
    issues.push({ path: [], message: 'An FCM message needs a notification or data object.' });
  }
  if (isObject(message.notification)) issues.push(...notificationIssues(message.notification));
  if (isObject(message.android)) issues.push(...androidIssues(message.android));
  for (const [block, field] of STRING_MAPS) {
    const owner = block ? message[block] : message;
    const map = isObject(owner) ? owner[field] : undefined;
    const at = block ? [block, field] : [field];
    if (map === undefined) continue;
    if (!isObject(map)) {
      issues.push({ path: at, message: `${at.join('.')} must be an object.` });
    } else if (field === 'data') {
      for (const issue of reservedKeyIssues(map))
        issues.push({ ...issue, path: [...at, ...issue.path] });
    }
  }
  return issues;
}

function notificationIssues(notification: Record<string, unknown>): Issue[] {
  return Object.entries(notification).flatMap(([key, value]): Issue[] => {
    if (!NOTIFICATION_FIELDS.has(key)) {
      const message = `${key} is not a field of notification (title, body, image).`;
      return [{ path: ['notification', key], message }];
    }
    if (typeof value !== 'string') {
      return [{ path: ['notification', key], message: `${key} must be a string.` }];
    }
    return [];
  });
}

function androidIssues(android: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const { ttl, priority, notification } = android;
  if (
    ttl !== undefined &&
    (typeof ttl !== 'string' || !DURATION.test(ttl) || Number.parseFloat(ttl) > MAX_TTL_SECONDS)
  ) {
    const message = 'ttl must be a duration string of at most 4 weeks, e.g. "3600s".';
    issues.push({ path: ['android', 'ttl'], message });
  }
  if (priority !== undefined && !/^(?:normal|high)$/i.test(String(priority))) {
    issues.push({ path: ['android', 'priority'], message: 'priority must be NORMAL or HIGH.' });
  }
  if (notification !== undefined && !isObject(notification)) {
    const message = 'notification must be an object.';
    issues.push({ path: ['android', 'notification'], message });
  }
  return issues;
}

/** `message` with every `map<string, string>` field made of strings (see stringValues). */
export function normaliseFcmMessage(message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...message };
  for (const [block, field] of STRING_MAPS) {
    if (!block) {
      if (isObject(out[field])) out[field] = stringValues(out[field]);
      continue;
    }
    const owner = out[block];
    if (isObject(owner) && isObject(owner[field])) {
      out[block] = { ...owner, [field]: stringValues(owner[field]) };
    }
  }
  return out;
}
