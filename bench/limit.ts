/**
 * The machine's limit: how many APNs requests per second the sandbox accepts from a Worker that
 * does nothing but loop `fetch`, 6 in flight per invocation as the consumer does
 * (src/fanout/deliver.ts), one invocation at a time as the local queue dispatches batches,
 * as many requests per invocation as one queue batch holds devices (max_batch_size messages of
 * BATCH_DEVICES devices).
 *
 * Two hosts: `wrangler dev` (the same local stack as the service, including wrangler's dev
 * proxy: the fair side-by-side figure) and bare workerd through Miniflare (the runtime alone).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { Miniflare } from 'miniflare';
import { design } from './design.ts';
import { startQuietWorker } from './host.ts';
import { cpuDelta, descendants, facts, type Role, snapshot } from './proc.ts';
import { compatibilityDate, freePort, ROOT } from './service.ts';

export const CONCURRENCY = design.connections;
const PER_INVOCATION = design.batchDevices * design.queueBatchSize;
const WORKER = join(ROOT, 'bench/limit/worker.js');

export type Limit = {
  host: string;
  requests: number;
  seconds: number;
  perSecond: number;
  /** Not on bare workerd: RSS by role just before and just after the timed requests. */
  rssMb?: { before: Record<Role, number>; after: Record<Role, number> };
  /** Not on bare workerd: CPU seconds by role during the timed requests. */
  cpuSeconds?: Record<Role, number>;
};
type Invoke = (job: object) => Promise<{ count: number; statuses: Record<string, number> }>;

export type LimitJob = { url: string; headers: Record<string, string>; body: string };

/**
 * The APNs request the limit Worker repeats, signed with a key of its own that the sandbox is
 * told to trust: the sandbox refuses a second provider token for one key within 20 minutes
 * (TooManyProviderTokenUpdates), so sharing the service's key would break one of the two.
 */
export async function limitJob(sandboxUrl: string, bundleId: string): Promise<LimitJob> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const teamId = 'BENCHTEAM1';
  const keyId = `BENCH${randomInt(1e9).toString(36).toUpperCase()}`.slice(0, 10);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const trust = await fetch(`${sandboxUrl}/__sandbox/trust/apns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ teamId, keyId, bundleId, publicKeyPem }),
  });
  if (trust.status !== 204)
    throw new Error(`the sandbox did not trust the limit key: ${trust.status}`);
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: keyId })
    .setIssuer(teamId)
    .setIssuedAt()
    .sign(privateKey);
  return {
    url: `${sandboxUrl}/apns/development/3/device`,
    headers: {
      authorization: `bearer ${jwt}`,
      'apns-topic': bundleId,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ aps: { alert: 'Bench: the limit run' } }),
  };
}

/** Fires `requests` requests in invocations of PER_INVOCATION; every answer must be 200. */
async function measure(
  host: string,
  invoke: Invoke,
  job: object,
  requests: number,
  onStart = () => {},
) {
  await invoke({ ...job, count: 50, first: 0, concurrency: CONCURRENCY });
  onStart();
  const started = performance.now();
  for (let sent = 0; sent < requests; sent += PER_INVOCATION) {
    const count = Math.min(PER_INVOCATION, requests - sent);
    const out = await invoke({ ...job, count, first: sent, concurrency: CONCURRENCY });
    if (out.statuses['200'] !== count) throw new Error(`limit run: ${JSON.stringify(out)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  return { host, requests, seconds, perSecond: requests / seconds } satisfies Limit;
}

/** The limit with the Worker on bare workerd (Miniflare). */
export async function limitOnWorkerd(job: LimitJob, requests: number): Promise<Limit> {
  const mf = new Miniflare({
    modules: true,
    scriptPath: WORKER,
    compatibilityDate: compatibilityDate(),
  });
  try {
    const invoke: Invoke = async (job) => {
      const res = await mf.dispatchFetch('http://limit/', {
        method: 'POST',
        body: JSON.stringify(job),
      });
      return (await res.json()) as Awaited<ReturnType<Invoke>>;
    };
    return await measure('workerd', invoke, job, requests);
  } finally {
    await mf.dispose();
  }
}

/** The limit with the Worker under `wrangler dev`, as `npm start` runs the service. */
export async function limitOnWranglerDev(
  stateDir: string,
  job: LimitJob,
  requests: number,
): Promise<Limit> {
  const dir = join(stateDir, 'limit');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'wrangler.toml'), limitConfig());
  const port = await freePort();
  const child = startWrangler(dir, port);
  try {
    const url = `http://127.0.0.1:${port}/`;
    await waitUntilUp(url, child);
    const tree = () => descendants(child.pid ?? -1);
    return await measureAt('wrangler dev', url, tree, job, requests);
  } finally {
    await stopWrangler(child);
  }
}

/** The limit with the Worker on the quiet host (wrangler's API, inspector off; host.ts). */
export async function limitOnQuietWorker(
  stateDir: string,
  job: LimitJob,
  requests: number,
): Promise<Limit> {
  const dir = join(stateDir, 'limit-quiet');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'wrangler.toml'), limitConfig());
  const port = await freePort();
  const others = new Set(descendants(process.pid));
  const worker = await startQuietWorker(join(dir, 'wrangler.toml'), port);
  // This Worker's own processes: the ones its start added.
  const tree = () => descendants(process.pid).filter((pid) => !others.has(pid));
  try {
    const url = `http://127.0.0.1:${port}/`;
    return await measureAt('wrangler API, no inspector', url, tree, job, requests);
  } finally {
    await worker.dispose();
  }
}

/** The limit Worker at `url`, with the RSS and CPU of its processes (`tree`) while timed. */
async function measureAt(
  host: string,
  url: string,
  tree: () => number[],
  job: LimitJob,
  requests: number,
): Promise<Limit> {
  const invoke: Invoke = async (body) => {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
    return (await res.json()) as Awaited<ReturnType<Invoke>>;
  };
  let before = snapshot(tree());
  const limit = await measure(host, invoke, job, requests, () => {
    before = snapshot(tree());
  });
  const after = snapshot(tree());
  const rssMb = { before: before.rssMb, after: after.rssMb };
  return { ...limit, rssMb, cpuSeconds: cpuDelta(before, after) };
}

const limitConfig = () =>
  [
    'name = "bench-limit"',
    `main = ${JSON.stringify(WORKER)}`,
    `compatibility_date = "${compatibilityDate()}"`,
    '',
  ].join('\n');

function killGroup(pid: number | undefined, name: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, name);
  } catch {
    // already gone
  }
}

function startWrangler(dir: string, port: number): ChildProcess {
  const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
  const args = [wrangler, 'dev', '--ip', '127.0.0.1', '--port', String(port)];
  args.push('--show-interactive-dev-session=false');
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
    stdio: 'ignore',
    detached: true,
  });
  // If the benchmark dies first, the group it started goes with it.
  const onExit = () => killGroup(child.pid, 'SIGKILL');
  process.once('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));
  return child;
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('the limit worker (wrangler dev) exited');
    try {
      const res = await fetch(url, { method: 'POST', body: '{"count":0,"concurrency":0}' });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error('the limit worker (wrangler dev) did not start in 60 s');
}

/** Stops wrangler dev: its process group (it was started detached), then stragglers by pid. */
async function stopWrangler(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (!pid) return;
  const tree = descendants(pid);
  if (child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    killGroup(pid, 'SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
  }
  for (const p of tree) {
    const role = facts(p)?.role;
    if (role === 'runtime' || role === 'devproxy' || role === 'wrangler')
      process.kill(p, 'SIGKILL');
  }
}
