import {
  fcmErrorDetail,
  fcmInvalidArgument,
  googleError,
  jsonDecodeError,
} from './google-errors.ts';
import { isObject, type SandboxResponse } from './http.ts';

/** The one recipient of an FCM message (§2.3: exactly one of token/topic/condition/fid). */
export type FcmTarget = { kind: 'token' | 'topic' | 'condition' | 'fid'; value: string };

/** A send request that passed validation, or the error FCM would answer. */
export type FcmCheck =
  | { ok: true; target: FcmTarget; validateOnly: boolean }
  | { ok: false; response: SandboxResponse };

const REQUEST_FIELDS = new Set(['validate_only', 'validateOnly', 'message']);
const TARGETS = ['token', 'topic', 'condition', 'fid'] as const;
const MESSAGE_FIELDS = new Set([
  'name',
  'data',
  'notification',
  'android',
  'webpush',
  'apns',
  'fcm_options',
  'fcmOptions',
  ...TARGETS,
]);
const SUB_MESSAGES: Record<string, string> = {
  notification: 'Notification',
  android: 'AndroidConfig',
  webpush: 'WebpushConfig',
  apns: 'ApnsConfig',
  fcm_options: 'FcmOptions',
  fcmOptions: 'FcmOptions',
};
const STRING_MAPS: [string, string][] = [
  ['', 'data'],
  ['android', 'data'],
  ['apns', 'headers'],
  ['webpush', 'headers'],
  ['webpush', 'data'],
];
const TOKEN_FORMAT = /^[A-Za-z0-9_:.-]{1,4096}$/;
const TOPIC_FORMAT = /^[A-Za-z0-9_.~%-]{1,900}$/;
const DURATION = /^\d+(\.\d{1,9})?s$/;
const MAX_TTL_SECONDS = 2_419_200;

class Failure {
  constructor(readonly response: SandboxResponse) {}
}
const fail = (response: SandboxResponse): never => {
  throw new Failure(response);
};

/** How Google's JSON decoder prints a value it could not convert. */
function render(value: unknown): string {
  if (Array.isArray(value)) return 'Starting an array on a scalar field';
  if (isObject(value)) return 'Starting an object on a scalar field';
  return JSON.stringify(value) ?? 'null';
}

const typeError = (field: string, type: string, value: unknown): never =>
  fail(jsonDecodeError(field, `Invalid value at '${field}' (${type}), ${render(value)}`));

function rejectUnknown(value: Record<string, unknown>, known: Set<string>, at: string): void {
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    const where = at ? ` at '${at}'` : '';
    fail(
      jsonDecodeError(
        at,
        `Invalid JSON payload received. Unknown name "${key}"${where}: Cannot find field.`,
      ),
    );
  }
}

function checkStringMap(map: unknown, field: string): Record<string, string> {
  if (map === undefined || map === null) return {};
  if (!isObject(map)) return typeError(field, 'map<string, string>', map);
  Object.values(map).forEach((value, index) => {
    if (typeof value !== 'string') typeError(`${field}[${index}].value`, 'TYPE_STRING', value);
  });
  return map as Record<string, string>;
}

function checkAndroid(android: Record<string, unknown>): void {
  const { ttl, priority } = android;
  if (ttl !== undefined && (typeof ttl !== 'string' || !DURATION.test(ttl))) {
    typeError('message.android.ttl', 'type.googleapis.com/google.protobuf.Duration', ttl);
  }
  if (typeof ttl === 'string' && Number.parseFloat(ttl) > MAX_TTL_SECONDS) {
    fail(fcmInvalidArgument('message.android.ttl', 'TTL must not exceed 4 weeks (2419200s).'));
  }
  const enumType = 'type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority';
  if (priority !== undefined && !/^(normal|high)$/i.test(String(priority))) {
    typeError('message.android.priority', enumType, priority);
  }
}

function checkTarget(message: Record<string, unknown>): FcmTarget {
  const set = Object.keys(message).filter(
    (key) => (TARGETS as readonly string[]).includes(key) && message[key] != null,
  );
  if (set.length > 1) {
    const description =
      `Invalid value at 'message' (oneof), oneof field 'target' is already set. ` +
      `Cannot set '${set[1]}'`;
    fail(jsonDecodeError('message', description));
  }
  const kind = set[0] as FcmTarget['kind'] | undefined;
  if (!kind) return fail(fcmInvalidArgument('message', 'Recipient of the message is not set.'));
  const value = message[kind];
  if (typeof value !== 'string') return typeError(`message.${kind}`, 'TYPE_STRING', value);
  if ((kind === 'token' || kind === 'fid') && !TOKEN_FORMAT.test(value)) {
    const description = 'The registration token is not a valid FCM registration token';
    fail(googleError(400, 'INVALID_ARGUMENT', description, [fcmErrorDetail('INVALID_ARGUMENT')]));
  }
  if (kind === 'topic' && !TOPIC_FORMAT.test(value.replace(/^\/topics\//, ''))) {
    fail(fcmInvalidArgument('message.topic', `Invalid topic name: ${value}`));
  }
  if (kind === 'condition' && value.trim() === '') {
    fail(fcmInvalidArgument('message.condition', 'Invalid condition expression.'));
  }
  return { kind, value };
}

const isReservedKey = (key: string): boolean =>
  key === 'from' ||
  key === 'message_type' ||
  key === 'gcm' ||
  key.startsWith('gcm.') ||
  key.startsWith('google');

function checkMessage(message: Record<string, unknown>): FcmTarget {
  rejectUnknown(message, MESSAGE_FIELDS, 'message');
  for (const [key, type] of Object.entries(SUB_MESSAGES)) {
    const value = message[key];
    if (value != null && !isObject(value)) {
      typeError(`message.${key}`, `type.googleapis.com/google.firebase.fcm.v1.${type}`, value);
    }
  }
  const dataMaps = STRING_MAPS.map(([parent, field]) => {
    const owner = parent ? message[parent] : message;
    const path = parent ? `message.${parent}.${field}` : `message.${field}`;
    return { path, map: checkStringMap(isObject(owner) ? owner[field] : undefined, path) };
  });
  if (isObject(message.android)) checkAndroid(message.android);
  const target = checkTarget(message);
  for (const { path, map } of dataMaps) {
    if (path.endsWith('.headers')) continue;
    const reserved = Object.keys(map).find(isReservedKey);
    if (reserved) fail(fcmInvalidArgument(path, `Invalid data payload key: ${reserved}`));
  }
  const size = Buffer.byteLength(JSON.stringify(message), 'utf8');
  const limit = target.kind === 'topic' || target.kind === 'condition' ? 2048 : 4096;
  if (size > limit) {
    fail(fcmInvalidArgument('message', `Message is too big: ${size} bytes (limit ${limit}).`));
  }
  return target;
}

/** Validates a `messages:send` body like FCM HTTP v1 does (providers.md §2.2–2.4). */
export function checkSendRequest(body: unknown): FcmCheck {
  try {
    if (!isObject(body)) {
      return typeError('', 'type.googleapis.com/google.firebase.fcm.v1.SendMessageRequest', body);
    }
    rejectUnknown(body, REQUEST_FIELDS, '');
    const validateOnly = body.validate_only ?? body.validateOnly ?? false;
    if (typeof validateOnly !== 'boolean') typeError('validate_only', 'TYPE_BOOL', validateOnly);
    const { message } = body;
    if (message == null) fail(fcmInvalidArgument('message', 'Message must be set.'));
    if (!isObject(message)) {
      return typeError('message', 'type.googleapis.com/google.firebase.fcm.v1.Message', message);
    }
    return { ok: true, target: checkMessage(message), validateOnly: validateOnly === true };
  } catch (error) {
    if (error instanceof Failure) return { ok: false, response: error.response };
    throw error;
  }
}
