/**
 * The benchmark's verdicts ("what the numbers must show", issue #6), its printed tables, and
 * the results file bench/results/<date>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deliveries, Stored } from './fanout.ts';
import type { Limit } from './limit.ts';
import type { Load } from './load.ts';
import type { Peaks, Role } from './proc.ts';

export type RunResult = {
  n: number;
  register: { how: 'api' | 'bulk'; seconds: number; perSecond: number };
  /** POST to final status; processedOn − createdOn; POST to the poll that saw it. */
  seconds: number;
  serverSeconds: number;
  seenSeconds: number;
  slowestPollMs: number;
  perSecond: number;
  /** perSecond over the limit on the same host, and over bare workerd (Miniflare). */
  ratio: number;
  ratioWorkerd: number;
  final: Pick<Stored, 'status' | 'deviceCount' | 'successCount' | 'platformCounts'>;
  expectedPlatforms: Record<string, number>;
  deliveries: Deliveries;
  peaks: Peaks;
  cpuSeconds: Record<Role, number>;
  reportSample: { reports: number; devices: number } | null;
  workerErrors: number;
  /** Live JS heap after the sends, garbage collected; null on the wrangler-dev host. */
  heap: number | null;
  /** Every send to these N devices; the fields above are the fastest one's. */
  sends: {
    seconds: number;
    perSecond: number;
    final: RunResult['final'];
    deliveries: Deliveries;
  }[];
};

export type Results = {
  date: string;
  machine: { nproc: number; memory: string; node: string; loadavg: { start: string; end: string } };
  code: { ref: string; commit: string; dirtyFiles: number; src?: string };
  options: Record<string, unknown>;
  limits: { host: Limit[]; workerd: Limit; used: number };
  load: Load & { peaks: Peaks };
  /** Live JS heap after the warm-up send, before the timed ones. */
  heapBefore: number | null;
  runs: RunResult[];
  checks: Check[];
  totalSeconds: number;
};

/** `holds` null: the run could not tell (say why in `evidence`); it fails nothing. */
export type Check = { claim: string; holds: boolean | null; evidence: string };

const f0 = (x: number) => Math.round(x).toLocaleString('en-US');
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

function countsExact(run: RunResult, final: RunResult['final']): boolean {
  const { n } = run;
  const platformsOk = Object.entries(run.expectedPlatforms).every(([platform, count]) => {
    const got = final.platformCounts.find((p) => p.platform === platform);
    return got?.deviceCount === count && got.successCount === count;
  });
  return (
    final.status === 'Sent' && final.deviceCount === n && final.successCount === n && platformsOk
  );
}

const exactlyOnce = (d: Deliveries) =>
  d.delivered === d.expected && d.duplicates + d.missing + d.unexpected + d.rejected === 0;

export function judge(
  runs: RunResult[],
  load: Load,
  heapBefore: number | null,
  limits: Limit[],
): Check[] {
  const first = runs[0];
  const last = runs.at(-1);
  const checks: Check[] = [];
  checks.push({
    claim: 'fan-out reaches ≥ 0.5 × the limit at every N',
    holds: runs.every((r) => r.ratio >= 0.5),
    evidence: runs.map((r) => `${f0(r.n)}: ${f2(r.ratio)}`).join(', '),
  });
  checks.push({
    claim: 'every device delivered exactly once (sandbox records)',
    holds: runs.every((r) => r.sends.every((s) => exactlyOnce(s.deliveries))),
    evidence: runs
      .map((r) => {
        const worst = r.sends.map((s) => s.deliveries).find((d) => !exactlyOnce(d));
        const d = worst ?? r.deliveries;
        const counts = `dup ${d.duplicates}, miss ${d.missing}`;
        return `${f0(r.n)} × ${r.sends.length}: ${f0(d.delivered)}/${f0(d.expected)}, ${counts}`;
      })
      .join('; '),
  });
  checks.push({
    claim: 'final status and counts exact (Sent, deviceCount = successCount = N, per platform)',
    holds: runs.every((r) => r.sends.every((s) => countsExact(r, s.final))),
    evidence: runs
      .map((r) => {
        const finals = r.sends.map((s) => `${s.final.status} ${s.final.successCount}`);
        return `${f0(r.n)}: ${finals.join(', ')}`;
      })
      .join('; '),
  });
  if (first && last && last !== first) {
    const allowed = 1.2 * (last.n / first.n);
    const grew = last.seconds / first.seconds;
    checks.push({
      claim: `time linear: t(${f0(last.n)}) ≤ ${f0(allowed)} × t(${f0(first.n)})`,
      holds: grew <= allowed,
      evidence: `${f1(last.seconds)} s / ${f1(first.seconds)} s = ${f1(grew)}×`,
    });
    checks.push(memoryCheck(runs, heapBefore, limits));
  } else {
    checks.push({
      claim: 'time linear and memory flat',
      holds: null,
      evidence: 'not judged: they compare the smallest and the largest size; give two (--n)',
    });
  }
  const sampled = runs.filter((r) => r.reportSample);
  checks.push({
    claim: 'coordinator DO off the per-device path (≥ 25 devices per batch report)',
    holds: sampled.length > 0 ? sampled.every((r) => perReport(r) >= 25) : null,
    evidence:
      sampled.map((r) => `${f0(r.n)}: 1 report per ${f1(perReport(r))} devices`).join(', ') ||
      "not judged: no send was sampled while in flight. The sample reads the coordinator's " +
        'storage with the sqlite3 command once progress shows (at most once a second), so it ' +
        'needs sqlite3 installed and a send longer than about a second',
  });
  const series = load.perSecondSeries;
  const half = Math.floor(series.length / 2);
  const early = mean(series.slice(0, half));
  const late = mean(series.slice(half));
  const failures = load.errors + load.timeouts + load.non201;
  checks.push({
    claim: 'registration holds its throughput (2nd half ≥ 0.8 × 1st half) with zero errors',
    holds: failures === 0 && late >= 0.8 * early && Math.min(...series) > 0,
    evidence:
      `${f1(early)} → ${f1(late)} req/s, slowest second ${Math.min(...series)}, ` +
      `errors ${load.errors}, timeouts ${load.timeouts}, non-201 ${load.non201}`,
  });
  return checks;
}

/**
 * Flat memory: with the live heap (quiet host), what the service still holds after each send,
 * garbage collected, must not grow with N. Peak RSS is evidence only: the runtime's RSS grows
 * with every request it served, whatever the Worker keeps (under `wrangler dev`, with its
 * inspector proxy's buffer too), so without the live heap the check is not judged.
 */
function memoryCheck(runs: RunResult[], before: number | null, limits: Limit[]): Check {
  const first = runs[0] as RunResult;
  const last = runs.at(-1) as RunResult;
  const later = runs.slice(1).reduce((sum, r) => sum + r.n * r.sends.length, 0);
  const grew = (last.peaks.byRoleMb.runtime - first.peaks.byRoleMb.runtime) / (later / 1000);
  const fetchOnly = limits
    .filter((l) => l.rssMb)
    .map(
      (l) => ((l.rssMb?.after.runtime ?? 0) - (l.rssMb?.before.runtime ?? 0)) / (l.requests / 1000),
    );
  const rss =
    `peak RSS of the worker processes ${f0(first.peaks.workerMb)} → ` +
    `${f0(last.peaks.workerMb)} MB (${f2(last.peaks.workerMb / first.peaks.workerMb)}×): ` +
    `the runtime grew ${f1(grew)} MB per 1,000 devices sent, a fetch-only Worker's ` +
    (fetchOnly.length > 0 ? `${fetchOnly.map(f1).join(' / ')} MB per 1,000 requests` : 'unknown');
  if (before !== null && runs.every((r) => r.heap !== null)) {
    const top = Math.max(...runs.map((r) => r.heap ?? 0));
    return {
      claim: "memory flat: the service's live JS heap after each send ≤ 1.25 × before the sends",
      holds: top <= 1.25 * before,
      evidence:
        `before ${f1(before)} MB; after ` +
        runs.map((r) => `${f0(r.n)}: ${f1(r.heap ?? 0)}`).join(', ') +
        ` MB; ${rss}`,
    };
  }
  return {
    claim: 'memory flat',
    holds: null,
    evidence: `not judged: the live heap is read on the default host only (--host quiet); ${rss}`,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const perReport = (r: RunResult) =>
  r.reportSample ? r.reportSample.devices / r.reportSample.reports : 0;

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function render(results: Results): string {
  const { limits, load, runs, machine } = results;
  const out: string[] = [];
  out.push(
    `pushgate fan-out benchmark, ${results.date} | ${machine.nproc} cores, ${machine.memory} ` +
      `RAM, node ${machine.node} | load avg ${machine.loadavg.start} → ${machine.loadavg.end}`,
  );
  out.push(
    `code: ${results.code.ref} ${results.code.commit} (${results.code.dirtyFiles} changed) | ` +
      `host: ${String(results.options.host)}`,
  );
  out.push('', 'Limit: a Worker that only loops fetch to the sandbox APNs, 6 in flight');
  const limitRows = [...limits.host, limits.workerd].map((l) => [
    l.host,
    f0(l.requests),
    f1(l.seconds),
    f0(l.perSecond),
  ]);
  out.push(table(['host', 'requests', 'seconds', 'req/s'], limitRows));
  out.push('', 'Fan-out: one notification to every device of a fresh backend');
  const rows = runs.map((r) => [
    f0(r.n),
    `${r.register.how} ${f0(r.register.perSecond)}/s`,
    r.sends.map((s) => (s.seconds < 10 ? f2(s.seconds) : f1(s.seconds))).join('/'),
    f0(r.perSecond),
    f2(r.ratio),
    f2(r.ratioWorkerd),
    `${r.final.status} ${r.final.successCount}/${r.final.deviceCount}`,
    `${r.deliveries.delivered}/${r.deliveries.duplicates}/${r.deliveries.missing}`,
    f0(r.peaks.workerMb),
    f0(r.peaks.byRoleMb.runtime),
    r.heap === null ? '-' : f1(r.heap),
    r.reportSample ? f1(perReport(r)) : '-',
  ]);
  const head = ['N', 'register', 'wall s', 'dlv/s', 'x lim', 'x wkd', 'final', 'ok/dup/miss'];
  out.push(table([...head, 'RSS MB', 'rt MB', 'heap MB', 'dev/rep'], rows));
  out.push(
    '(wall s: each send, the fastest counts; x lim: over the limit on the same host; x wkd: over',
    ' bare workerd; RSS: peak of all worker processes; rt: the runtime workerd alone; heap: the',
    " service isolate's live JS heap after the sends, garbage collected; dev/rep: devices per",
    ' coordinator batch report)',
  );
  out.push(
    '',
    `Registration under load: autocannon, ${load.connections} connections, ${load.seconds} s`,
  );
  out.push(
    table(
      ['req/s', 'p50 ms', 'p99 ms', 'errors', 'timeouts', 'non-201', 'peak RSS MB'],
      [
        [f0(load.perSecond), f0(load.p50Ms), f0(load.p99Ms), String(load.errors)].concat([
          String(load.timeouts),
          String(load.non201),
          f0(load.peaks.workerMb),
        ]),
      ],
    ),
  );
  out.push('', 'Checks');
  for (const c of results.checks) out.push(`${verdict(c)}  ${c.claim}\n      ${c.evidence}`);
  out.push('', `total ${f0(results.totalSeconds)} s`);
  return out.join('\n');
}

const verdict = (c: Check) => (c.holds === null ? 'SKIP' : c.holds ? 'PASS' : 'FAIL');

export function save(results: Results, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${results.date.replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
