/**
 * `npx tsx bench/simulate.ts [--flag value ...]`: the expected time of one broadcast when
 * deployed, from the platform's published limits and the design's constants, and which limit
 * binds. Every figure is a flag; docs/scale.md explains each and cites its source.
 *
 * Stages (each a ceiling in devices per second; the smallest binds):
 *  - resolve:   the coordinator reads a page of devices from D1, then enqueues its batches
 *  - queue:     per-queue message throughput × devices per message
 *  - consumers: concurrent invocations × 6 connections ÷ provider latency, less per-message work
 *  - requests:  the coordinator's request rate (admit and report per message)
 *  - d1:        queries per device (page reads, credential reads, progress writes) vs D1's rate
 *  - provider:  each provider's quota ÷ its share of the devices (FCM: 600,000 per minute)
 */
import { parseArgs } from 'node:util';

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
  /** Design constants (src/fanout): coordinator.ts PAGE_SIZE, plan.ts BATCH_DEVICES, ... */
  'page-size': 500,
  'batch-devices': 50,
  'messages-per-send-batch': 10,
  'profiles-per-page': 4,
  connections: 6,
  /** Coordinator calls per queue message (deliver.ts: admit, then reportBatch). */
  'do-calls-per-message': 2,
  /** Platform limits. */
  'queue-messages-per-second': 5_000,
  'consumer-concurrency': 250,
  'do-requests-per-second': 1_000,
  'd1-queries-per-second': 1_000,
  /** Latencies, milliseconds (assumptions: measure them on a deployment). */
  'provider-latency-ms': 100,
  'd1-page-read-ms': 30,
  'send-batch-ms': 10,
  'credentials-read-ms': 5,
  'report-ms': 15,
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

export type Stage = { name: string; perSecond: number; why: string };

export function stages(p: Params): Stage[] {
  const messagesPerPage = Math.ceil(p['page-size'] / p['batch-devices']) + p['profiles-per-page'];
  const sendBatches = Math.ceil(messagesPerPage / p['messages-per-send-batch']);
  const pageMs = p['d1-page-read-ms'] + sendBatches * p['send-batch-ms'];
  const perMessageSendMs = (p['batch-devices'] / p.connections) * p['provider-latency-ms'];
  const overheadMs = p['credentials-read-ms'] + p['report-ms'];
  const efficiency = perMessageSendMs / (perMessageSendMs + overheadMs);
  const d1PerDevice = 1 / p['page-size'] + 2 / p['batch-devices'];
  const out: Stage[] = [
    {
      name: 'resolve (coordinator: D1 page + enqueue)',
      perSecond: (p['page-size'] / pageMs) * 1000,
      why: `${p['page-size']} devices per ${pageMs} ms (1 page read, ${sendBatches} sendBatch)`,
    },
    {
      name: 'queue throughput',
      perSecond: p['queue-messages-per-second'] * p['batch-devices'],
      why: `${p['queue-messages-per-second']} msg/s × ${p['batch-devices']} devices`,
    },
    {
      name: 'consumers (6 connections each)',
      perSecond:
        ((p['consumer-concurrency'] * p.connections) / p['provider-latency-ms']) *
        1000 *
        efficiency,
      why:
        `${p['consumer-concurrency']} × ${p.connections} / ${p['provider-latency-ms']} ms, ` +
        `${(efficiency * 100).toFixed(0)} % busy (${overheadMs} ms per message outside sends)`,
    },
    {
      name: 'coordinator requests',
      perSecond: (p['do-requests-per-second'] * p['batch-devices']) / p['do-calls-per-message'],
      why:
        `${p['do-requests-per-second']} req/s × ${p['batch-devices']} devices ÷ ` +
        `${p['do-calls-per-message']} calls per message`,
    },
    {
      name: 'D1 queries',
      perSecond: p['d1-queries-per-second'] / d1PerDevice,
      why: `${d1PerDevice.toFixed(3)} queries per device (page, credentials, progress)`,
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
        why: `${quota.toFixed(0)} msg/s ÷ ${share} of the devices`,
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
  console.log(`Broadcast to ${p.devices.toLocaleString('en-US')} devices, deployed`);
  for (const s of all) {
    const mark = s === binding ? '<- binds' : `${(s.perSecond / binding.perSecond).toFixed(1)}×`;
    const rate = Math.round(s.perSecond).toLocaleString('en-US').padStart(11);
    console.log(`  ${s.name.padEnd(width)} ${rate} devices/s  ${mark.padEnd(8)} ${s.why}`);
  }
  const minutes = (seconds / 60).toFixed(1);
  console.log(`Expected: ${seconds.toFixed(0)} s (${minutes} min); binding: ${binding.name}`);
  const quotas = all.filter((s) => s.name.endsWith(' quota'));
  const design = all.filter((s) => !quotas.includes(s));
  if (quotas.length > 0) {
    const slowest = (xs: Stage[]) => Math.min(...xs.map((s) => s.perSecond));
    const headroom = slowest(design) / slowest(quotas);
    const verdict = headroom > 1 ? 'the provider quota binds' : 'our design binds, not the quota';
    console.log(`Design headroom over the provider quota: ${headroom.toFixed(2)}× (${verdict})`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
