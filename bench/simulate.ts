/**
 * `npx tsx bench/simulate.ts [--flag value ...]`: the expected time of one broadcast when
 * deployed, from the platform's published limits and the design's constants, and which limit
 * binds. Every figure is a flag (`--help` lists them); the design's default comes from the source
 * (bench/design.ts). docs/scale.md explains each figure and cites its source. It models one send
 * alone: concurrent sends share the consumers, the queue and D1.
 *
 * Stages (each a ceiling in devices per second; the smallest binds):
 *  - resolve:     the coordinator reads a page of devices from D1, then enqueues its messages
 *  - queue:       per-queue message throughput × devices per message
 *  - consumers:   concurrent invocations × 6 connections ÷ provider latency, less the time an
 *                 invocation's connections wait on the coordinator and D1 (see invocation())
 *  - outstanding window: messages enqueued and not yet reported (MAX_OUTSTANDING, per send) ×
 *                 devices per message ÷ how long a message stays outstanding
 *  - coordinator requests: its request rate ÷ calls per device (admit and report per message)
 *  - D1 statements: D1's statement rate ÷ statements per device (page reads, delivery log)
 *  - quota:       each provider's quota ÷ its share of the devices (FCM: 600,000 per minute)
 */
import { type Params, PROVIDERS, parse, round, UsageError, usage } from './simulate-params.ts';

/** How one page of devices turns into work downstream. */
export function perPage(p: Params) {
  const shares = PROVIDERS.map((provider) => p[`share-${provider}`]);
  const profiles = p['profiles-per-page'] || shares.filter((share) => share > 0).length;
  const extraCuts = Math.max(0, profiles - 1);
  const messages = Math.ceil(p['page-size'] / p['batch-devices']) + extraCuts;
  const bytes = p['page-size'] * p['device-bytes'] + messages * p['payload-bytes'];
  const sendBatches = Math.max(
    Math.ceil(messages / p['messages-per-send-batch']),
    Math.ceil(bytes / p['send-batch-bytes']),
  );
  // Chunks: a full message has ceil(batch / chunk) of them; each extra cut adds one.
  const full = Math.floor(p['page-size'] / p['batch-devices']);
  const rest = p['page-size'] - full * p['batch-devices'];
  const chunks =
    full * Math.ceil(p['batch-devices'] / p.chunk) + Math.ceil(rest / p.chunk) + extraCuts;
  // The delivery log, per message: [claim + read chunk 1], then per further chunk [log the last
  // + claim + read the next], then [log the last]. So one round trip more than its chunks, and
  // three statements per chunk (claim, read, log).
  const logTrips = messages + chunks;
  const logStatements = 3 * chunks;
  return {
    messages,
    sendBatches,
    chunks,
    logTrips,
    logStatements,
    devicesPerMessage: p['page-size'] / messages,
  };
}

/**
 * One consumer invocation. Its messages run side by side and share the 6 connections, so while
 * one message waits on the coordinator or D1 the others' requests keep the connections busy.
 * What is left in the open is about one message's work outside sends per invocation: at the
 * start every message waits for its admit and first claim, at the end the last one logs and
 * reports. That whole per-message cost (admit + report + every log round trip + a credentials
 * read, normally cached) is charged once per invocation, which slightly overstates it.
 * `connection-use` below 1 stretches the sends as if the connections were that busy.
 */
export function invocation(p: Params) {
  const page = perPage(p);
  const devices = p['queue-batch-size'] * page.devicesPerMessage;
  const fullSendMs = (devices * p['provider-latency-ms']) / p.connections;
  const sendMs = fullSendMs / p['connection-use'];
  const outsideMs =
    p['do-calls-per-message'] * p['coordinator-call-ms'] +
    (page.logTrips / page.messages) * p['d1-round-trip-ms'] +
    p['credentials-read-ms'];
  const ms = sendMs + outsideMs;
  return { devices, ms, outsideMs, efficiency: fullSendMs / ms };
}

export type Stage = { name: string; perSecond: number; why: string };

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function stages(p: Params): Stage[] {
  const page = perPage(p);
  const run = invocation(p);
  const pageMs = p['d1-page-read-ms'] + page.sendBatches * p['send-batch-ms'];
  const d1PerPage = 1 + page.logStatements;
  const progressPerSecond = 1000 / p['progress-every-ms'];
  // A message is outstanding from its enqueue until its report: about one invocation's time.
  // Messages of an invocation report one after another over its second half, so the average is
  // nearer three quarters of it; taking the whole understates this stage by up to a quarter.
  const residenceMs = p['queue-wait-ms'] + run.ms;
  const perMessage = fmt(page.devicesPerMessage, 1);
  const use =
    p['connection-use'] < 1 ? `, connections ${fmt(p['connection-use'] * 100)} % used` : '';
  const out: Stage[] = [
    {
      name: 'resolve (page + enqueue)',
      perSecond: (p['page-size'] / pageMs) * 1000,
      why:
        `${fmt(p['page-size'])} per ${fmt(pageMs)} ms: ` +
        `1 page read, ${page.sendBatches} sendBatch`,
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
        `${p['consumer-concurrency']} × ${p.connections} / ` +
        `${fmt(p['provider-latency-ms'])} ms × ` +
        `${fmt(run.efficiency * 100, 1)} % (${fmt(run.outsideMs)} ms waiting per invocation${use})`,
    },
    {
      name: 'outstanding window',
      perSecond: ((p['max-outstanding'] * page.devicesPerMessage) / residenceMs) * 1000,
      why:
        `${fmt(p['max-outstanding'])} msg × ${perMessage} / ${fmt(residenceMs / 1000, 1)} s ` +
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
      name: 'D1 statements',
      perSecond: ((p['d1-statements-per-second'] - progressPerSecond) / d1PerPage) * p['page-size'],
      why:
        `${fmt(p['d1-statements-per-second'])}/s ÷ ${fmt(d1PerPage)} per ${fmt(p['page-size'])} ` +
        'devices (page read + 3 a chunk: claim, read, log; ' +
        `progress ≤ ${round(progressPerSecond)}/s)`,
    },
  ];
  for (const provider of PROVIDERS) {
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

/** Stages within 0.5 % of the slowest of `of`: they bind together. */
export function slowest(of: Stage[]): Stage[] {
  const min = Math.min(...of.map((s) => s.perSecond));
  return of.filter((s) => s.perSecond <= min * 1.005);
}

/** "a", "a and b", "a, b and c". */
const names = (of: Stage[]) =>
  of
    .map((s) => s.name)
    .join(', ')
    .replace(/, ([^,]*)$/, ' and $1');

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    return;
  }
  let p: Params;
  try {
    p = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`simulate: ${error.message}`);
    process.exit(2);
  }
  const all = stages(p);
  const binding = slowest(all);
  const rate = Math.min(...all.map((s) => s.perSecond));
  const seconds = p['start-ms'] / 1000 + p.devices / rate;
  const width = Math.max(...all.map((s) => s.name.length));
  console.log(`Broadcast to ${fmt(p.devices)} devices, deployed`);
  for (const s of all) {
    // Two decimals near 1, so a stage just above the binding one does not read as a tie.
    const ratio = s.perSecond / rate;
    const mark = binding.includes(s) ? '<- binds' : `${ratio.toFixed(ratio < 1.1 ? 2 : 1)}×`;
    const perSecond = fmt(Math.round(s.perSecond)).padStart(11);
    console.log(`  ${s.name.padEnd(width)} ${perSecond} devices/s  ${mark.padEnd(8)} ${s.why}`);
  }
  const page = perPage(p);
  const run = invocation(p);
  // Whole pages, and the rest of the work in proportion to the devices.
  const pages = Math.ceil(p.devices / p['page-size']);
  const scale = p.devices / p['page-size'];
  const messages = Math.ceil(scale * page.messages);
  console.log(
    `Work: ${fmt(pages)} page reads, ~${fmt(messages)} messages, ` +
      `${fmt(Math.ceil(scale * page.sendBatches))} sendBatch calls, ` +
      `~${fmt(Math.ceil(messages / p['queue-batch-size']))} invocations,\n` +
      `      ${fmt(messages * p['do-calls-per-message'])} coordinator calls, ` +
      `${fmt(Math.ceil(scale * page.logTrips))} delivery-log round trips ` +
      `(${fmt(Math.ceil(scale * page.logStatements))} statements)`,
  );
  const perRun = p['queue-batch-size'] / page.messages;
  console.log(
    `Per invocation: ~${fmt(run.devices)} provider requests,` +
      ` ${fmt(p['queue-batch-size'] * p['do-calls-per-message'])} coordinator calls,` +
      ` ~${fmt(perRun * page.logTrips)} D1 round trips (~${fmt(perRun * page.logStatements)}` +
      ` statements), ${fmt(run.ms / 1000, 1)} s`,
  );
  const minutes = (seconds / 60).toFixed(1);
  const [first, ...tied] = binding;
  const bindingText = `${first?.name}${tied.length > 0 ? `, tied with ${names(tied)}` : ''}`;
  console.log(`Expected: ${seconds.toFixed(0)} s (${minutes} min); binding: ${bindingText}`);
  const quotas = all.filter((s) => s.name.endsWith(' quota'));
  const ours = all.filter((s) => !quotas.includes(s));
  if (quotas.length > 0) {
    const oursSlowest = slowest(ours);
    const ourRate = Math.min(...ours.map((s) => s.perSecond));
    const headroom = ourRate / Math.min(...quotas.map((s) => s.perSecond));
    const which = `${names(oursSlowest)}${oursSlowest.length > 1 ? ', tied' : ''}`;
    const verdict =
      Math.abs(headroom - 1) <= 0.005
        ? 'tied with the provider quota'
        : headroom > 1
          ? 'the provider quota binds'
          : 'our design binds, not the quota';
    console.log(
      `Design headroom over the provider quota: ${headroom.toFixed(2)}× ` +
        `(slowest of ours: ${which}; ${verdict})`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
