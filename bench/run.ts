/**
 * `npm run bench`: fan-out speed side by side with this machine's limit (issue #6).
 *
 * Starts the service as `npm start` does (scripts/start.ts, sandbox providers) on free ports in a
 * private /tmp workspace; measures the limit (a Worker that only loops fetch); puts the
 * registration API under load (autocannon); makes one untimed warm-up send; then, per N, sends
 * one notification to every device of a fresh backend, `--repeat` times (3): the fastest send
 * counts, as the fastest limit run does, and every send must reach each device exactly once with
 * exact counts. It measures wall time, deliveries/s, final counts, exactly-once delivery on the
 * sandbox's records, peak RSS of the worker processes, the service's live JS heap after the
 * sends (bench/inspect.ts) and the coordinator's batch reports.
 * Prints a table and writes bench/results/<date>.json. Stops everything it started.
 *
 *   npm run bench -- --n 1000,10000,50000 --api-max 1000 --load-seconds 15 --repeat 3
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bulkLoad } from './bulk.ts';
import { type Backend, deviceAt, PLATFORM_OF, registerDevices, seedBackend } from './devices.ts';
import { batchReports } from './do-probe.ts';
import {
  type Broadcast,
  broadcast,
  checkDeliveries,
  clearSandbox,
  type Deliveries,
} from './fanout.ts';
import { startQuietService } from './host.ts';
import { inspectWorker, liveHeapMb } from './inspect.ts';
import {
  type Limit,
  limitJob,
  limitOnQuietWorker,
  limitOnWorkerd,
  limitOnWranglerDev,
} from './limit.ts';
import { registrationLoad } from './load.ts';
import { cpuDelta, type Peaks, type Role, snapshot, startSampler } from './proc.ts';
import { judge, type Results, type RunResult, render, save } from './report.ts';
import {
  createWorkspace,
  freePort,
  ROOT,
  type Service,
  startService,
  type Workspace,
} from './service.ts';

const OPTIONS = {
  n: { type: 'string', default: '1000,10000,50000' },
  'api-max': { type: 'string', default: '1000' },
  concurrency: { type: 'string', default: '8' },
  'limit-requests': { type: 'string', default: '3000' },
  'load-seconds': { type: 'string', default: '15' },
  'load-connections': { type: 'string', default: '8' },
  repeat: { type: 'string', default: '3' },
  ref: { type: 'string' },
  host: { type: 'string', default: 'quiet' },
  src: { type: 'string' },
  out: { type: 'string', default: join(ROOT, 'bench/results') },
} as const;

/** A bad flag: said in one line, exit code 2. */
function usage(message: string): never {
  console.error(`bench: ${message} (see the top of bench/run.ts)`);
  process.exit(2);
}
const flags = (() => {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
})();
const int = (name: string, value: string, min: number) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) {
    usage(`--${name} must be a whole number ≥ ${min}, not "${value}"`);
  }
  return n;
};
const sizes = flags.n
  .split(',')
  .map((value) => int('n', value, 4))
  .sort((a, b) => a - b);
if (new Set(sizes).size !== sizes.length) usage(`--n lists a size twice: ${flags.n}`);
const apiMax = int('api-max', flags['api-max'], 0);
const concurrency = int('concurrency', flags.concurrency, 1);
const limitRequests = int('limit-requests', flags['limit-requests'], 1);
const loadSeconds = int('load-seconds', flags['load-seconds'], 2);
const loadConnections = int('load-connections', flags['load-connections'], 1);
const repeat = int('repeat', flags.repeat, 1);
const host = flags.host;
if (host !== 'quiet' && host !== 'wrangler-dev') usage('--host is quiet or wrangler-dev');

const T0 = performance.now();
const say = (text: string) =>
  console.log(`[bench ${((performance.now() - T0) / 1000).toFixed(0).padStart(3)} s] ${text}`);
const LOAD_RUN = 255;
const WARM_RUN = 254;

type Send = {
  sent: Broadcast;
  peaks: Peaks;
  cpuSeconds: Record<Role, number>;
  deliveries: Deliveries;
};
const WARM_DEVICES = 100;
/** The Worker's name in wrangler.toml. */
const WORKER_NAME = 'pushgate';

function codeFacts(ref: string | undefined) {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', ROOT, ...args])
      .toString()
      .trim();
  try {
    const commit = git('rev-parse', '--short', ref ?? 'HEAD');
    const dirty = ref ? 0 : git('status', '--porcelain', 'src', 'migrations', 'wrangler.toml');
    return { ref: ref ?? 'work tree', commit, dirtyFiles: dirty ? dirty.split('\n').length : 0 };
  } catch {
    return { ref: ref ?? 'work tree', commit: 'unknown', dirtyFiles: 0 };
  }
}

function expectedPlatforms(sandboxUrl: string, n: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < 4 && i < n; i++) {
    const platform = PLATFORM_OF[deviceAt(sandboxUrl, 0, i).provider];
    counts[platform] = Math.floor(n / 4) + (i < n % 4 ? 1 : 0);
  }
  return counts;
}

async function fanOut(
  ws: Workspace,
  svc: Service,
  backend: Backend,
  run: number,
  n: number,
  limits: { dev: number; workerd: number },
  heap: () => Promise<number | null>,
  bulkSeconds: number,
): Promise<RunResult> {
  let register: RunResult['register'] = {
    how: 'bulk',
    seconds: bulkSeconds,
    perSecond: bulkSeconds > 0 ? n / bulkSeconds : 0,
  };
  if (n <= apiMax) {
    say(`N=${n}: registering through the API, ${concurrency} at a time`);
    const reg = await registerDevices(svc.baseUrl, svc.sandboxUrl, backend, run, n, concurrency);
    register = { how: 'api', ...reg };
  }
  const errorsBefore = svc.errors.length;
  const sends: Send[] = [];
  for (let attempt = 1; attempt <= repeat; attempt++) {
    await clearSandbox(svc.sandboxUrl);
    say(`N=${n}: sending to everyone (${attempt} of ${repeat})`);
    const before = snapshot(svc.pids());
    const sampler = startSampler(svc.pids);
    const timeoutMs = 60_000 + n * 20;
    const sent = await broadcast(svc.baseUrl, backend, timeoutMs, (id) => batchReports(ws.dir, id));
    const peaks = sampler.stop();
    const cpuSeconds = cpuDelta(before, snapshot(svc.pids()));
    say(`N=${n}: ${sent.stored.status} in ${sent.seconds.toFixed(1)} s; checking the sandbox`);
    const deliveries = await checkDeliveries(svc.sandboxUrl, run, n);
    sends.push({ sent, peaks, cpuSeconds, deliveries });
  }
  const heapAfter = await heap();
  // The fastest send, as the limit is the fastest of its runs; every send is checked.
  const best = sends.reduce((a, b) => (b.sent.seconds < a.sent.seconds ? b : a));
  const perSecond = n / best.sent.seconds;
  return {
    n,
    register,
    seconds: best.sent.seconds,
    serverSeconds: best.sent.serverSeconds,
    seenSeconds: best.sent.seenSeconds,
    slowestPollMs: best.sent.slowestPollMs,
    perSecond,
    ratio: perSecond / limits.dev,
    ratioWorkerd: perSecond / limits.workerd,
    final: best.sent.stored,
    expectedPlatforms: expectedPlatforms(svc.sandboxUrl, n),
    deliveries: best.deliveries,
    peaks: sends.reduce((a, b) => (b.peaks.workerMb > a.peaks.workerMb ? b : a)).peaks,
    cpuSeconds: best.cpuSeconds,
    reportSample: sends.find((s) => s.sent.reportSample)?.sent.reportSample ?? null,
    workerErrors: svc.errors.length - errorsBefore,
    heap: heapAfter,
    sends: sends.map(({ sent, deliveries }) => ({
      seconds: sent.seconds,
      perSecond: n / sent.seconds,
      final: sent.stored,
      deliveries,
    })),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadStart = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const ws = await createWorkspace(flags.ref, flags.src);
  let svc: Service | undefined;
  const stopAll = async () => {
    await svc?.stop();
    ws.remove();
  };
  const onSignal = () => void stopAll().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    say(`workspace ${ws.dir}; starting the service (scripts/start.ts)`);
    svc = await startService(ws);
    const backends = new Map<number, Backend>();
    for (const [run, n] of sizes.entries()) {
      backends.set(n, await seedBackend(svc.baseUrl, svc.credentials, `benchrun${run}`));
    }
    const loadBackend = await seedBackend(svc.baseUrl, svc.credentials, 'benchload');
    const bulkSeconds = new Map<number, number>();
    await svc.stop();
    for (const n of sizes.filter((n) => n > apiMax)) {
      const backend = backends.get(n) as Backend;
      const seconds = bulkLoad(ws.dir, svc.sandboxUrl, backend, sizes.indexOf(n), n);
      bulkSeconds.set(n, seconds);
      say(`N=${n}: ${n} devices loaded into D1 in ${seconds.toFixed(1)} s (service stopped)`);
    }
    say(`starting the service again on the ${host} host`);
    const inspectorPort = await freePort();
    if (host === 'quiet') inspectWorker(inspectorPort, WORKER_NAME);
    svc = host === 'quiet' ? await startQuietService(ws) : await startService(ws);
    const { baseUrl } = svc;
    // Any request runs the isolate; a 404 is the cheapest.
    const wake = () =>
      fetch(`${baseUrl}/__bench/wake`, { signal: AbortSignal.timeout(5_000) })
        .then((res) => res.arrayBuffer())
        .catch(() => undefined);
    const heap = () =>
      host === 'quiet' ? liveHeapMb(inspectorPort, WORKER_NAME, wake) : Promise.resolve(null);

    const hostLimit = () =>
      host === 'quiet'
        ? limitOnQuietWorker(ws.dir, job, limitRequests)
        : limitOnWranglerDev(ws.dir, job, limitRequests);
    say(`limit: ${limitRequests} requests from a fetch-only Worker on the same host`);
    const job = await limitJob(svc.sandboxUrl, svc.credentials.apns.bundleId);
    // Two runs before and one after the fan-outs; the best is the limit (the machine is shared).
    const devLimits: Limit[] = [await hostLimit(), await hostLimit()];
    say('limit: the same on bare workerd (Miniflare)');
    const workerdLimit = await limitOnWorkerd(job, limitRequests);
    await clearSandbox(svc.sandboxUrl);

    say(`registration load: ${loadConnections} connections for ${loadSeconds} s`);
    const loadSampler = startSampler(svc.pids);
    const load = await registrationLoad(
      svc.baseUrl,
      svc.sandboxUrl,
      loadBackend,
      LOAD_RUN,
      loadConnections,
      loadSeconds,
    );
    const loadResult = { ...load, peaks: loadSampler.stop() };

    // Untimed, as the limit Worker's first 50 requests are: the send path's code warms up.
    say(`warm-up: one untimed send to ${WARM_DEVICES} devices`);
    const warm = await seedBackend(svc.baseUrl, svc.credentials, 'benchwarm');
    await registerDevices(svc.baseUrl, svc.sandboxUrl, warm, WARM_RUN, WARM_DEVICES, concurrency);
    await broadcast(svc.baseUrl, warm, 60_000, async () => null);
    await clearSandbox(svc.sandboxUrl);
    const heapBefore = await heap();

    const runs: RunResult[] = [];
    const limitsNow = () => ({
      dev: Math.max(...devLimits.map((l) => l.perSecond)),
      workerd: workerdLimit.perSecond,
    });
    for (const [run, n] of sizes.entries()) {
      const backend = backends.get(n) as Backend;
      const bulk = bulkSeconds.get(n) ?? 0;
      runs.push(await fanOut(ws, svc, backend, run, n, limitsNow(), heap, bulk));
    }
    say('limit again, after the fan-outs');
    devLimits.push(await hostLimit());
    const used = limitsNow().dev;
    for (const r of runs) r.ratio = r.perSecond / used;

    const results: Results = {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      machine: {
        nproc: availableParallelism(),
        memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
        node: process.version,
        loadavg: {
          start: loadStart,
          end: loadavg()
            .map((x) => x.toFixed(2))
            .join(' '),
        },
      },
      code: { ...codeFacts(flags.ref), ...(flags.src ? { src: flags.src } : {}) },
      options: {
        host,
        sizes,
        apiMax,
        concurrency,
        limitRequests,
        loadSeconds,
        loadConnections,
        repeat,
      },
      limits: { host: devLimits, workerd: workerdLimit, used },
      load: loadResult,
      heapBefore,
      runs,
      checks: judge(runs, load, heapBefore, devLimits),
      totalSeconds: (performance.now() - started) / 1000,
    };
    await stopAll();
    console.log(`\n${render(results)}`);
    say(`results written to ${save(results, flags.out)}`);
    // A failed check fails the command, so scripts can use the verdict.
    if (results.checks.some((c) => c.holds === false)) process.exitCode = 1;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

await main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
