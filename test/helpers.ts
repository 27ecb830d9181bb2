/** Shared test helpers: demo seeding, API calls through the Worker, sandbox records. */

import { env, exports } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { expect } from 'vitest';
import { type DemoSeed, seedDemo } from '../src/dev/demo';

export const ORIGIN = 'http://pushgate.test';

export type Demo = Awaited<ReturnType<typeof seedDemo>>;

/**
 * Seeds a demo backend trusted by the sandbox providers (defaults: the `npm start` demo). Each
 * call gets its own APNs key: the sandbox, like APNs, refuses a key's token changing within 20
 * minutes, and every test file has its own Durable Objects and so its own provider token.
 */
export async function seed(overrides: Partial<DemoSeed> = {}): Promise<Demo> {
  const { fcm, wns, syniverse } = env.SANDBOX_CREDENTIALS;
  const apns = await freshApnsKey();
  return seedDemo(drizzle(env.DB), env.CREDENTIALS_KEY, {
    credentials: { apns, fcm, wns, syniverse },
    ...overrides,
  });
}

function pem(label: string, der: ArrayBuffer): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  const lines = base64.match(/.{1,64}/g)?.join('\n') ?? '';
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`;
}

function randomId(length = 10): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => alphabet[b % 36]).join(
    '',
  );
}

/** A new APNs signing key (like a .p8 from Apple) that the sandbox APNs now trusts. */
export async function freshApnsKey(bundleId = 'com.example.shop') {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const key = {
    teamId: randomId(),
    keyId: randomId(),
    bundleId,
    privateKeyPem: pem(
      'PRIVATE KEY',
      (await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer,
    ),
    publicKeyPem: pem(
      'PUBLIC KEY',
      (await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer,
    ),
  };
  const res = await fetch(`${env.SANDBOX_URL}/__sandbox/trust/apns`, {
    method: 'POST',
    body: JSON.stringify(key),
  });
  if (res.status !== 204) throw new Error(`sandbox refused the APNs key: ${res.status}`);
  return key;
}

/** Makes the sandbox answer the next sends to `token` with `answers`, one each, in order. */
export async function programAnswers(
  provider: string,
  token: string,
  answers: { status: number; headers?: Record<string, string>; body?: unknown }[],
): Promise<void> {
  const res = await fetch(`${env.SANDBOX_URL}/__sandbox/answers`, {
    method: 'POST',
    body: JSON.stringify({ provider, token, answers }),
  });
  if (res.status !== 204) throw new Error(`sandbox refused the answers: ${res.status}`);
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

/** Polls a notification until it has a final status (bounded: 90 s unless told). */
export async function waitForFinal(
  demo: Demo,
  id: number,
  timeoutMs = 90_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
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
export async function sandboxRequests(
  contains: string,
  provider?: string,
): Promise<SandboxRecord[]> {
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

export type ProblemBody = {
  type: string;
  status: number;
  title: string;
  detail: string;
  'o:ecid': string;
  'o:errorCode': string;
  'o:errorPath': string;
  'o:errorDetails'?: { title: string; 'o:errorCode': string; 'o:errorPath': string }[];
};

const PROBLEM_KEYS = [
  'type',
  'status',
  'title',
  'detail',
  'o:ecid',
  'o:errorCode',
  'o:errorPath',
  'o:errorDetails',
];

/**
 * Asserts `res` is the contract's error body (api-contract.md, Conventions) with `status`, the
 * request `path` as `o:errorPath` and `o:ecid` equal to the X-ORACLE-DMS-ECID header; returns it.
 */
export async function expectProblem(res: Response, status: number, path: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('Content-Type')).toBe('application/json; charset=UTF-8');
  const ecid = res.headers.get('X-ORACLE-DMS-ECID');
  expect(ecid).toMatch(/\S/);
  const body = (await res.json()) as ProblemBody;
  expect(body).toMatchObject({
    type: expect.stringMatching(/^https?:\/\/\S+$/),
    status,
    title: expect.stringMatching(/\S/),
    detail: expect.stringMatching(/\S/),
    'o:ecid': ecid,
    'o:errorCode': expect.stringMatching(/^\S+$/),
    'o:errorPath': path,
  });
  expect(PROBLEM_KEYS).toEqual(expect.arrayContaining(Object.keys(body)));
  for (const detail of body['o:errorDetails'] ?? []) {
    expect(Object.keys(detail).sort()).toEqual(['o:errorCode', 'o:errorPath', 'title']);
    expect(detail['o:errorPath']).toMatch(/^\$/);
  }
  return body;
}

/** The JSON paths an error body's `o:errorDetails` names, sorted. */
export function errorPaths(body: ProblemBody): string[] {
  return (body['o:errorDetails'] ?? []).map((d) => d['o:errorPath']).sort();
}

type Registration = { platform: string; token: string; provider?: string; user?: string };

/** Registers devices through the API as the demo Administrator; fails the test on non-201. */
export async function register(demo: Demo, ...devices: Registration[]): Promise<void> {
  for (const device of devices) {
    const res = await asAdmin(demo, `${DEVICES}/register`, {
      body: {
        mobileClient: { id: 'com.example.shop', version: '1.0', platform: device.platform },
        notificationToken: device.token,
        ...(device.provider ? { notificationProvider: device.provider } : {}),
        ...(device.user ? { user: device.user } : {}),
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
}

/** Posts a notification as the demo Administrator and waits for its final status. */
export async function sendAndWait(
  demo: Demo,
  body: unknown,
  timeoutMs?: number,
): Promise<Record<string, unknown>> {
  const res = await asAdmin(demo, NOTIFICATIONS, { body });
  expect(res.status, await res.clone().text()).toBe(201);
  const { id } = (await res.json()) as { id: number };
  return waitForFinal(demo, id, timeoutMs);
}

/** `n` random decimal digits, e.g. for E.164 test numbers. */
export function randomDigits(n: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => String(b % 10)).join('');
}
