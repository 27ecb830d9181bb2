/** Shared test helpers: demo seeding, API calls through the Worker, sandbox records. */
import { drizzle } from 'drizzle-orm/d1';
import { env, exports } from 'cloudflare:workers';
import { type DemoSeed, seedDemo } from '../src/dev/demo';

export const ORIGIN = 'http://pushgate.test';

export type Demo = Awaited<ReturnType<typeof seedDemo>>;

/** Seeds a demo backend trusted by the sandbox providers (defaults: the `npm start` demo). */
export async function seed(overrides: Partial<DemoSeed> = {}): Promise<Demo> {
  const { apns, fcm, wns, syniverse } = env.SANDBOX_CREDENTIALS;
  return seedDemo(drizzle(env.DB), env.CREDENTIALS_KEY, {
    credentials: { apns, fcm, wns, syniverse },
    ...overrides,
  });
}

export function basic(username: string, password: string): string {
  return `Basic ${btoa(`${username}:${password}`)}`;
}

export type Call = {
  method?: string;
  body?: unknown;
  auth?: string;
  backendId?: string;
  headers?: Record<string, string>;
};

export async function api(path: string, call: Call = {}): Promise<Response> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.auth) headers.Authorization = call.auth;
  if (call.backendId) headers['Oracle-Mobile-Backend-ID'] = call.backendId;
  let body: string | undefined;
  if (call.body !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  }
  const method = call.method ?? (body === undefined ? 'GET' : 'POST');
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { method, headers, body }));
}

/** Calls as the demo Administrator of `demo`. */
export function asAdmin(demo: Demo, path: string, call: Call = {}): Promise<Response> {
  return api(path, {
    auth: basic(demo.admin.username, demo.admin.password),
    backendId: demo.backendId,
    ...call,
  });
}

export const FINAL = ['Sent', 'Warning', 'Error'];

/** Polls a notification until it has a final status (bounded: 40 s). */
export async function waitForFinal(demo: Demo, id: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const res = await asAdmin(demo, `/mobile/system/notifications/notifications/${id}`);
    const body = (await res.json()) as Record<string, unknown>;
    if (FINAL.includes(String(body.status))) return body;
    if (Date.now() > deadline) throw new Error(`notification ${id} still ${String(body.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type SandboxRecord = {
  provider: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  receivedAt: string;
};

/** Sandbox records whose path or body contains `contains` (tests filter by their own tokens). */
export async function sandboxRequests(contains: string, provider?: string): Promise<SandboxRecord[]> {
  const url = new URL(`${env.SANDBOX_URL}/__sandbox/requests`);
  url.searchParams.set('contains', contains);
  if (provider) url.searchParams.set('provider', provider);
  const res = await fetch(url);
  return (await res.json()) as SandboxRecord[];
}

/** A random lowercase hex string, e.g. an APNs token with a chosen prefix. */
export function hexToken(prefix = '', length = 64): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  const hex = Array.from(bytes, (b) => (b % 16).toString(16)).join('');
  return (prefix + hex).slice(0, length);
}

export const DEVICES = '/mobile/platform/devices';
export const NOTIFICATIONS = '/mobile/system/notifications/notifications';
