/**
 * `npx tsx bench/simulate.ts [--flag value ...]`: the expected time of one broadcast when
 * deployed, from the platform's published limits and the design's constants, and which limit
 * binds. Every figure is a flag; the design's default comes from the source (bench/design.ts).
 * docs/scale.md explains each figure and cites its source.
 *
 * Stages (each a ceiling in devices per second; the smallest binds):
 *  - resolve:     the coordinator reads a page of devices from D1, then enqueues its messages
 *  - queue:       per-queue message throughput × devices per message
 *  - consumers:   concurrent invocations × 6 connections ÷ provider latency, less the time an
 *                 invocation's connections wait on the coordinator and D1 (see invocation())
 *  - outstanding window: messages enqueued and not yet reported (MAX_OUTSTANDING) × devices per
 *                 message ÷ how long a message stays outstanding
 *  - coordinator requests: its request rate ÷ calls per device (admit and report per message)
 *  - D1 queries:  D1's rate ÷ queries per device (page reads, delivery-log round trips)
 *  - quota:       each provider's quota ÷ its share of the devices (FCM: 600,000 per minute)
 */
import { parseArgs } from 'node:util';
import { constantIn, design } from './design.ts';

const DEFAULTS = {
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
  /** coordinator.ts: messages enqueued and not yet reported before resolving pauses. */
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
   * One database runs one query at a time: 1,000/s if each takes 1 ms. A log round trip is a
   * batch of 1-3 statements over up to 50 rows, so it may take longer; dead-token deletes (one
   * query per message that has dead devices) are left out.
   */
  'd1-queries-per-second': 1_000,
  /** Latencies, milliseconds (assumptions: measure them on a deployment). */
  'provider-latency-ms': 100,
  'd1-page-read-ms': 30,
  'send-batch-ms': 10,
  /** One delivery-log round trip (a D1 batch of 1-3 statements). */
  'd1-round-trip-ms': 10,
  /** Credentials are cached per isolate and profile version, so normally not read at all. */
  'credentials-read-ms': 0,
  'coordinator-call-ms': 15,
  /** From enqueue until a consumer invocation starts on the message. */
  'queue-wait-ms': 0,
  'start-ms': 1_000,
};
type Params = typeof DEFAULTS;

function parse(): Params {
  const options = Object.fromEntries(
    Object.keys(DEFAULTS).map((key) => [key, { type: 'string' as const }]),
  );
  const { values } = parseArgs({ options });
  const params = { ...DEFAULTS };
  for (const [key, value] of Object.entries(values)) {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${key} must be a number ≥ 0`);
    params[key as keyof Params] = n;
  }
  return params;
}

/** How one page of devices turns into work downstream. */
export function perPage(p: Params) {
  const providers = [p['share-fcm'], p['share-apns'], p['share-wns'], p['share-sms']];
  const profiles = p['profiles-per-page'] || providers.filter((share) => share > 0).length;
  const extraCuts = Math.max(0, profiles - 1);
  const messages = Math.ceil(p['page-size'] / p['batch-devices']) + extraCuts;
  const bytes = p['page-size'] * p['device-bytes'] + messages * p['payload-bytes'];
  const sendBatches = Math.max(
    Math.ceil(messages / p['messages-per-send-batch']),
    Math.ceil(bytes / p['send-batch-bytes']),
  );
  // The delivery log: per message one round trip more than its chunks (claim the first chunk;
  // log each chunk with the next one's claim; log the last).
  const chunks = Math.ceil(p['page-size'] / p.chunk) + extraCuts;
  const logTrips = messages + chunks;
  return { messages, sendBatches, logTrips, devicesPerMessage: p['page-size'] / messages };
}

/**
 * One consumer invocation. Its messages run side by side and share the 6 connections, so while
 * one message waits on the coordinator or D1 the others' requests keep the connections busy.
 * What is left in the open is about one message's work outside sends per invocation: at the
 * start every message waits for its admit and first claim, at the end the last one logs and
 * reports. That whole per-message cost (admit + report + every log round trip + a credentials
 * read, normally cached) is charged once per invocation, which slightly overstates it.
 */
export function invocation(p: Params) {
  const page = perPage(p);
  const devices = p['queue-batch-size'] * page.devicesPerMessage;
  const sendMs = (devices * p['provider-latency-ms']) / p.connections;
  const outsideMs =
    p['do-calls-per-message'] * p['coordinator-call-ms'] +
    (page.logTrips / page.messages) * p['d1-round-trip-ms'] +
    p['credentials-read-ms'];
  const ms = sendMs + outsideMs;
  return { devices, ms, outsideMs, efficiency: sendMs / ms };
}

export type Stage = { name: string; perSecond: number; why: string };

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function stages(p: Params): Stage[] {
  const page = perPage(p);
  const run = invocation(p);
  const pageMs = p['d1-page-read-ms'] + page.sendBatches * p['send-batch-ms'];
  const d1PerDevice = (1 + page.logTrips) / p['page-size'];
  const progressPerSecond = p['progress-every-ms'] > 0 ? 1000 / p['progress-every-ms'] : 0;
  // A message is outstanding from its enqueue until its report: about one invocation's time.
  // Messages of an invocation report one after another over its second half, so the average is
  // nearer three quarters of it; taking the whole understates this stage by up to a quarter.
  const residenceMs = p['queue-wait-ms'] + run.ms;
  const perMessage = fmt(page.devicesPerMessage, 1);
  const out: Stage[] = [
    {
      name: 'resolve (page + enqueue)',
      perSecond: (p['page-size'] / pageMs) * 1000,
      why: `${fmt(p['page-size'])} per ${pageMs} ms: 1 page read, ${page.sendBatches} sendBatch`,
    },
    {
      name: 'queue',
      perSecond: p['queue-messages-per-second'] * page.devicesPerMessage,
      why: `${fmt(p['queue-messages-per-second'])} msg/s × ${perMessage} devices`,
    },
    {
      name: 'consumers',
      perSecond:
        ((p['consumer-concurrency'] * p.connections) / p['provider-latency-ms']) *
        1000 *
        run.efficiency,
      why:
        `${p['consumer-concurrency']} × ${p.connections} / ${p['provider-latency-ms']} ms × ` +
        `${fmt(run.efficiency * 100, 1)} % (${fmt(run.outsideMs)} ms idle per invocation)`,
    },
    {
      name: 'outstanding window',
      perSecond: ((p['max-outstanding'] * page.devicesPerMessage) / residenceMs) * 1000,
      why:
        `${p['max-outstanding']} msg × ${perMessage} / ${fmt(residenceMs / 1000, 1)} s ` +
        `(${fmt(p['max-outstanding'] / p['queue-batch-size'])} invocations at once)`,
    },
    {
      name: 'coordinator requests',
      perSecond: (p['do-requests-per-second'] * page.devicesPerMessage) / p['do-calls-per-message'],
      why:
        `${fmt(p['do-requests-per-second'])} req/s × ${perMessage} devices ÷ ` +
        `${p['do-calls-per-message']} calls per message`,
    },
    {
      name: 'D1 queries',
      perSecond: (p['d1-queries-per-second'] - progressPerSecond) / d1PerDevice,
      why:
        `${fmt(p['d1-queries-per-second'])}/s ÷ (1 page read + ${page.logTrips} log ` +
        `round trips per ${fmt(p['page-size'])}; progress ≤ ${fmt(progressPerSecond)}/s)`,
    },
  ];
  const providers = ['fcm', 'apns', 'wns', 'sms'] as const;
  for (const provider of providers) {
    const share = p[`share-${provider}`];
    const quota = p[`quota-${provider}`];
    if (share > 0 && quota > 0) {
      out.push({
        name: `${provider.toUpperCase()} quota`,
        perSecond: quota / share,
        why: `${fmt(quota)} msg/s ÷ ${share} of the devices`,
      });
    }
  }
  return out;
}

function main(): void {
  const p = parse();
  const all = stages(p);
  const binding = all.reduce((a, b) => (b.perSecond < a.perSecond ? b : a));
  const seconds = p['start-ms'] / 1000 + p.devices / binding.perSecond;
  const width = Math.max(...all.map((s) => s.name.length));
  console.log(`Broadcast to ${fmt(p.devices)} devices, deployed`);
  for (const s of all) {
    const mark = s === binding ? '<- binds' : `${(s.perSecond / binding.perSecond).toFixed(1)}×`;
    const rate = fmt(Math.round(s.perSecond)).padStart(11);
    console.log(`  ${s.name.padEnd(width)} ${rate} devices/s  ${mark.padEnd(8)} ${s.why}`);
  }
  const page = perPage(p);
  const run = invocation(p);
  const pages = Math.ceil(p.devices / p['page-size']);
  const messages = pages * page.messages;
  console.log(
    `Work: ${fmt(pages)} page reads, ~${fmt(messages)} messages, ` +
      `${fmt(pages * page.sendBatches)} sendBatch calls, ~${fmt(messages / p['queue-batch-size'])} ` +
      `invocations,\n      ${fmt(messages * p['do-calls-per-message'])} coordinator calls, ` +
      `${fmt(pages * page.logTrips)} delivery-log round trips`,
  );
  console.log(
    `Per invocation: ~${fmt(run.devices)} provider requests,` +
      ` ${fmt(p['queue-batch-size'] * p['do-calls-per-message'])} coordinator calls,` +
      ` ~${fmt((p['queue-batch-size'] * page.logTrips) / page.messages)} D1 round trips,` +
      ` ${fmt(run.ms / 1000, 1)} s`,
  );
  const minutes = (seconds / 60).toFixed(1);
  console.log(`Expected: ${seconds.toFixed(0)} s (${minutes} min); binding: ${binding.name}`);
  const quotas = all.filter((s) => s.name.endsWith(' quota'));
  const ours = all.filter((s) => !quotas.includes(s));
  if (quotas.length > 0) {
    const slowest = (xs: Stage[]) => Math.min(...xs.map((s) => s.perSecond));
    const headroom = slowest(ours) / slowest(quotas);
    const verdict = headroom > 1 ? 'the provider quota binds' : 'our design binds, not the quota';
    console.log(`Design headroom over the provider quota: ${headroom.toFixed(2)}× (${verdict})`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
