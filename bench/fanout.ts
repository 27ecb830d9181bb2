/**
 * One broadcast: POST a notification to every device of a backend, poll it until its status is
 * final, then check on the sandbox's records that every device got exactly one request.
 */
import { type Backend, deviceAt, PROVIDERS, type Provider } from './devices.ts';

const PATH = '/mobile/system/notifications/notifications';
const FINAL = new Set(['Sent', 'Warning', 'Error']);
const POLL_MS = 200;
/** Every this many polls, the coordinator's storage is read too. */
const PROBE_EVERY = 5;

export type Stored = {
  id: number;
  status: string;
  deviceCount: number;
  successCount: number;
  platformCounts: { platform: string; deviceCount: number; successCount: number }[];
  createdOn: string;
  processedOn?: string;
  errorMessage?: string;
};

export type Broadcast = {
  stored: Stored;
  /** From just before the POST to the final status (processedOn; same clock, same machine). */
  seconds: number;
  /** processedOn − createdOn, as the service recorded them. */
  serverSeconds: number;
  /** From just before the POST to the first poll that saw the final status. */
  seenSeconds: number;
  /** Polls that saw the send in progress, and the slowest poll (answer or storage read). */
  polls: number;
  slowestPollMs: number;
  /**
   * The last in-flight sample of the coordinator's batch reports (Durable Object storage) and
   * the devices the service had counted as sent by then; null without sqlite3.
   */
  reportSample: { reports: number; devices: number } | null;
};

/** Batch reports the coordinator has taken for notification `id`, or null when unknown. */
export type ReportProbe = (id: number) => Promise<number | null>;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function broadcast(
  baseUrl: string,
  backend: Backend,
  timeoutMs: number,
  probe: ReportProbe,
): Promise<Broadcast> {
  const started = performance.now();
  const startedAt = Date.now();
  const res = await fetch(`${baseUrl}${PATH}`, {
    method: 'POST',
    headers: backend.admin,
    body: JSON.stringify({ message: `Bench ${backend.tag}: hello everyone` }),
  });
  if (res.status !== 201) throw new Error(`send: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as Stored;
  let polls = 0;
  let slowestPollMs = 0;
  let reportSample: Broadcast['reportSample'] = null;
  while (performance.now() - started < timeoutMs) {
    const pollStarted = performance.now();
    const poll = await fetch(`${baseUrl}${PATH}/${id}`, {
      headers: backend.admin,
      signal: AbortSignal.timeout(30_000),
    });
    const stored = (await poll.json()) as Stored;
    if (FINAL.has(stored.status)) {
      const processedOn = Date.parse(stored.processedOn ?? '');
      return {
        stored,
        seconds: (processedOn - startedAt) / 1000,
        serverSeconds: (processedOn - Date.parse(stored.createdOn)) / 1000,
        seenSeconds: (performance.now() - started) / 1000,
        polls,
        slowestPollMs,
        reportSample,
      };
    }
    polls += 1;
    if (polls % PROBE_EVERY === 0 && stored.successCount > 0) {
      const reports = await probe(id);
      if (reports) reportSample = { reports, devices: stored.successCount };
    }
    slowestPollMs = Math.max(slowestPollMs, performance.now() - pollStarted);
    await sleep(POLL_MS);
  }
  throw new Error(`notification ${id} not final after ${timeoutMs} ms`);
}

type SandboxRecord = { provider: string; path: string; body: string; status: number };

/** The device token a recorded provider send was for; undefined for token-endpoint calls. */
function tokenOf(provider: Provider, record: SandboxRecord): string | undefined {
  const [path = '', query = ''] = record.path.split('?');
  if (provider === 'APNS') {
    const token = path.split('/3/device/')[1];
    return token === undefined ? undefined : decodeURIComponent(token);
  }
  if (provider === 'WNS')
    return path === '/wns/' ? (new URLSearchParams(query).get('token') ?? '') : undefined;
  if (provider === 'FCM') {
    if (!path.endsWith('/messages:send')) return undefined;
    return (JSON.parse(record.body) as { message: { token: string } }).message.token;
  }
  if (!path.endsWith('/message_requests')) return undefined;
  return (JSON.parse(record.body) as { to: string[] }).to.join(',');
}

/** The token as the sandbox sees it: a WNS channel URI is recorded as its `token` parameter. */
function wireToken(provider: Provider, token: string): string {
  if (provider !== 'WNS') return token;
  return new URL(token).searchParams.get('token') ?? token;
}

export type Deliveries = {
  expected: number;
  delivered: number;
  duplicates: number;
  missing: number;
  unexpected: number;
  rejected: number;
};

/** Compares what the sandbox received with devices 0..n-1 of `run`. */
export async function checkDeliveries(sandboxUrl: string, run: number, n: number) {
  const expected = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const device = deviceAt(sandboxUrl, run, i);
    expected.set(`${device.provider} ${wireToken(device.provider, device.token)}`, 0);
  }
  const out: Deliveries = {
    expected: n,
    delivered: 0,
    duplicates: 0,
    missing: 0,
    unexpected: 0,
    rejected: 0,
  };
  for (const provider of PROVIDERS) {
    const res = await fetch(`${sandboxUrl}/__sandbox/requests?provider=${provider}`);
    for (const record of (await res.json()) as SandboxRecord[]) {
      const token = tokenOf(provider, record);
      if (token === undefined) continue;
      if (record.status >= 300) out.rejected += 1;
      const key = `${provider} ${token}`;
      const seen = expected.get(key);
      if (seen === undefined) out.unexpected += 1;
      else expected.set(key, seen + 1);
    }
  }
  for (const count of expected.values()) {
    if (count > 0) out.delivered += 1;
    else out.missing += 1;
    if (count > 1) out.duplicates += count - 1;
  }
  return out;
}

export async function clearSandbox(sandboxUrl: string): Promise<void> {
  const res = await fetch(`${sandboxUrl}/__sandbox/requests`, { method: 'DELETE' });
  if (res.status !== 204) throw new Error(`clearing the sandbox records: ${res.status}`);
}
