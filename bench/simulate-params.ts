/**
 * The figures `bench/simulate.ts` works from: every one a flag with its default (the design's
 * constants read from the source by bench/design.ts, the platform's published limits, assumed
 * latencies) and the rule its value must follow. docs/scale.md explains and cites each.
 */
import { constantIn, design } from './design.ts';

export const DEFAULTS = {
  devices: 1_000_000,
  /** Shares of the devices per provider (sum 1). */
  'share-fcm': 0.5,
  'share-apns': 0.5,
  'share-wns': 0,
  'share-sms': 0,
  /** Provider quotas, messages per second (0 = none published). FCM: 600k/min/project. */
  'quota-fcm': 600_000 / 60,
  'quota-apns': 0,
  'quota-wns': 0,
  'quota-sms': 0,
  /** Design constants as src/ and wrangler.toml state them (bench/design.ts). */
  'page-size': design.pageSize,
  'batch-devices': design.batchDevices,
  chunk: design.chunk,
  connections: design.connections,
  'messages-per-send-batch': design.messagesPerSendBatch,
  'queue-batch-size': design.queueBatchSize,
  /** coordinator.ts: messages of one send enqueued and not yet reported before resolving pauses. */
  'max-outstanding': constantIn('fanout/coordinator.ts', 'MAX_OUTSTANDING'),
  /** coordinator.ts SEND_BATCH_BYTES (200 KB): bytes per sendBatch call. */
  'send-batch-bytes': 200 * 1024,
  /** coordinator.ts PROGRESS_EVERY_MS: at most one progress write per this many ms. */
  'progress-every-ms': constantIn('fanout/coordinator.ts', 'PROGRESS_EVERY_MS'),
  /**
   * Provider profiles among a page's devices; each beyond the first cuts one more (partial)
   * message. 0: one per provider with a share of the devices.
   */
  'profiles-per-page': 0,
  /** Bytes per device in a queue message (id, token, platform as JSON; FCM-length token). */
  'device-bytes': 250,
  /** Bytes of payload and fields per queue message. */
  'payload-bytes': 1_000,
  /** Coordinator calls per queue message (deliver.ts: admit, then reportBatch). */
  'do-calls-per-message': 2,
  /** Platform limits. */
  'queue-messages-per-second': 5_000,
  'consumer-concurrency': 250,
  'do-requests-per-second': 1_000,
  /**
   * One database runs one statement at a time: 1,000/s if each takes 1 ms (333 for 3 ms). A
   * delivery-log round trip is a batch of 1-3 statements, and each counts. Dead-token deletes
   * (one statement per message that has dead devices) are left out.
   */
  'd1-statements-per-second': 1_000,
  /**
   * Share of an invocation's connection time spent on provider requests, apart from the waits
   * counted below: 1 = always busy. 0.7 models the ratio the local benchmark reaches.
   */
  'connection-use': 1,
  /** Latencies, milliseconds (assumptions: measure them on a deployment). */
  'provider-latency-ms': 100,
  'd1-page-read-ms': 30,
  'send-batch-ms': 10,
  /** One delivery-log round trip (a D1 batch of 1-3 statements), as a consumer waits for it. */
  'd1-round-trip-ms': 10,
  /** Credentials are cached per isolate and profile version, so normally not read at all. */
  'credentials-read-ms': 0,
  'coordinator-call-ms': 15,
  /** From enqueue until a consumer invocation starts on the message. */
  'queue-wait-ms': 0,
  'start-ms': 1_000,
};
export type Params = typeof DEFAULTS;
type Flag = keyof Params;

export const PROVIDERS = ['fcm', 'apns', 'wns', 'sms'] as const;
/** Six significant digits, for messages (no float noise such as 1.2000000000000002). */
export const round = (n: number) => Number(n.toPrecision(6));

/**
 * What each flag accepts. count: a whole number ≥ 1; count0: a whole number ≥ 0; rate: > 0 (a
 * divisor); ms: ≥ 0; share: 0 to 1; fraction: above 0, at most 1; quota: ≥ 0 (0 = none).
 */
type Rule = 'count' | 'count0' | 'rate' | 'ms' | 'share' | 'fraction' | 'quota';
const RULES: Record<Flag, Rule> = {
  devices: 'count',
  'share-fcm': 'share',
  'share-apns': 'share',
  'share-wns': 'share',
  'share-sms': 'share',
  'quota-fcm': 'quota',
  'quota-apns': 'quota',
  'quota-wns': 'quota',
  'quota-sms': 'quota',
  'page-size': 'count',
  'batch-devices': 'count',
  chunk: 'count',
  connections: 'count',
  'messages-per-send-batch': 'count',
  'queue-batch-size': 'count',
  'max-outstanding': 'count',
  'send-batch-bytes': 'count',
  'progress-every-ms': 'rate',
  'profiles-per-page': 'count0',
  'device-bytes': 'count',
  'payload-bytes': 'count0',
  'do-calls-per-message': 'count',
  'queue-messages-per-second': 'rate',
  'consumer-concurrency': 'count',
  'do-requests-per-second': 'rate',
  'd1-statements-per-second': 'rate',
  'connection-use': 'fraction',
  'provider-latency-ms': 'rate',
  'd1-page-read-ms': 'rate',
  'send-batch-ms': 'ms',
  'd1-round-trip-ms': 'ms',
  'credentials-read-ms': 'ms',
  'coordinator-call-ms': 'ms',
  'queue-wait-ms': 'ms',
  'start-ms': 'ms',
};
const ACCEPTS: Record<Rule, string> = {
  count: 'a whole number ≥ 1',
  count0: 'a whole number ≥ 0',
  rate: 'a number > 0',
  ms: 'a number ≥ 0',
  share: 'a number from 0 to 1',
  fraction: 'a number above 0 and at most 1',
  quota: 'a number ≥ 0 (0 = none)',
};
const valid: Record<Rule, (n: number) => boolean> = {
  count: (n) => Number.isInteger(n) && n >= 1,
  count0: (n) => Number.isInteger(n) && n >= 0,
  rate: (n) => n > 0,
  ms: (n) => n >= 0,
  share: (n) => n >= 0 && n <= 1,
  fraction: (n) => n > 0 && n <= 1,
  quota: (n) => n >= 0,
};
/** Former flag names, so an old command line is told the new one. */
const RENAMED: Record<string, Flag> = { 'd1-queries-per-second': 'd1-statements-per-second' };

/** A bad command line: reported in one line, exit code 2. */
export class UsageError extends Error {}

const isFlag = (name: string): name is Flag => Object.hasOwn(DEFAULTS, name);

export function parse(argv: string[]): Params {
  const params = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument "${arg}" (flags take --name value)`);
    const name = match[1] ?? '';
    if (!isFlag(name)) {
      const renamed = RENAMED[name];
      const hint = renamed ? `; it is now --${renamed}` : '; --help lists the flags';
      throw new UsageError(`unknown flag --${name}${hint}`);
    }
    const text = match[2] ?? argv[++i];
    if (text === undefined) throw new UsageError(`--${name} needs a value`);
    const n = text.trim() === '' ? Number.NaN : Number(text.replaceAll('_', ''));
    const rule = RULES[name];
    if (!Number.isFinite(n) || !valid[rule](n)) {
      throw new UsageError(`--${name} must be ${ACCEPTS[rule]}, not "${text}"`);
    }
    params[name] = n;
  }
  const shares = PROVIDERS.map((provider) => `--share-${provider} ${params[`share-${provider}`]}`);
  const sum = PROVIDERS.reduce((total, provider) => total + params[`share-${provider}`], 0);
  if (Math.abs(sum - 1) > 0.001) {
    throw new UsageError(`the shares must sum to 1, but ${shares.join(' + ')} = ${round(sum)}`);
  }
  const progress = 1000 / params['progress-every-ms'];
  if (params['d1-statements-per-second'] <= progress) {
    throw new UsageError(
      `--d1-statements-per-second must exceed the progress writes (${round(progress)}/s ` +
        'from --progress-every-ms)',
    );
  }
  return params;
}

export function usage(): string {
  const width = Math.max(...Object.keys(DEFAULTS).map((name) => name.length));
  const lines = Object.entries(DEFAULTS).map(([name, value]) => {
    const accepts = ACCEPTS[RULES[name as Flag]];
    return `  --${name.padEnd(width)}  ${String(round(value)).padStart(9)}  ${accepts}`;
  });
  return [
    'Usage: npx tsx bench/simulate.ts [--flag value ...]   (docs/scale.md explains each figure)',
    `  ${'flag'.padEnd(width + 2)}  ${'default'.padStart(9)}  accepts`,
    ...lines,
  ].join('\n');
}
