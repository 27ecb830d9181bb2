/**
 * Process facts from /proc (Linux): the tree under a pid, each process's role, resident memory
 * (VmRSS) and CPU time. A sampler tracks the peak RSS of the worker processes (the two workerd
 * processes of `wrangler dev` and its node processes) while a phase runs.
 *
 * Roles: `runtime` is the workerd that runs the Worker (its D1, Durable Objects and queue);
 * `devproxy` is wrangler's own workerd in front of it (ProxyWorker, InspectorProxyWorker);
 * `wrangler` is wrangler's node processes; `sandbox` is scripts/start.ts (the sandbox server).
 */
import { readdirSync, readFileSync } from 'node:fs';

export const ROLES = ['runtime', 'devproxy', 'wrangler', 'sandbox', 'other'] as const;
export type Role = (typeof ROLES)[number];
export type ProcFacts = { pid: number; role: Role; rssKb: number; cpuTicks: number };

/** Clock ticks per second of utime/stime in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function statFields(pid: number): string[] | null {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Every live descendant of `root` (not `root` itself). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = Number(statFields(pid)?.[1]);
    if (!Number.isInteger(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

const cmdline = (pid: number) => (read(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ');

function roleOf(pid: number): Role {
  const cmd = cmdline(pid);
  if (cmd.includes('esbuild')) return 'other';
  if (cmd.includes('workerd')) {
    // wrangler dev runs two: the Worker's (with an inspector) and its dev proxy in front.
    const parent = cmdline(Number(statFields(pid)?.[1]));
    const proxy = parent.includes('wrangler-dist') && !cmd.includes('--inspector-addr');
    return proxy ? 'devproxy' : 'runtime';
  }
  if (cmd.includes('wrangler')) return 'wrangler';
  if (cmd.includes('scripts/start.ts')) return 'sandbox';
  return 'other';
}

export function facts(pid: number): ProcFacts | null {
  const status = read(`/proc/${pid}/status`);
  const fields = statFields(pid);
  if (!status || !fields) return null;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  return { pid, role: roleOf(pid), rssKb, cpuTicks };
}

export type Snapshot = { rssMb: Record<Role, number>; cpuSeconds: Record<Role, number> };

/** RSS and CPU time per role over `pids` (the start.ts process holds the sandbox). */
export function snapshot(pids: number[]): Snapshot {
  const zero = () => Object.fromEntries(ROLES.map((role) => [role, 0])) as Record<Role, number>;
  const rssMb = zero();
  const cpuSeconds = zero();
  for (const pid of pids) {
    const f = facts(pid);
    if (!f) continue;
    rssMb[f.role] += f.rssKb / 1024;
    cpuSeconds[f.role] += f.cpuTicks / TICKS_PER_SECOND;
  }
  return { rssMb, cpuSeconds };
}

export const workerRssMb = (s: Snapshot) => s.rssMb.runtime + s.rssMb.devproxy + s.rssMb.wrangler;

/** CPU seconds used per role between two snapshots (a process that restarted counts from 0). */
export function cpuDelta(before: Snapshot, after: Snapshot): Record<Role, number> {
  const out = { ...after.cpuSeconds };
  for (const role of ROLES) out[role] -= before.cpuSeconds[role];
  return out;
}

export type Peaks = { workerMb: number; byRoleMb: Record<Role, number> };

/** Samples the processes every `everyMs` until stopped; answers the peaks seen. */
export function startSampler(pids: () => number[], everyMs = 200) {
  const peaks: Peaks = { workerMb: 0, byRoleMb: snapshot([]).rssMb };
  const sample = () => {
    const s = snapshot(pids());
    peaks.workerMb = Math.max(peaks.workerMb, workerRssMb(s));
    for (const role of ROLES) peaks.byRoleMb[role] = Math.max(peaks.byRoleMb[role], s.rssMb[role]);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop(): Peaks {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}
