/**
 * Benchmark backends and devices: a fresh backend per phase (POST /__dev/bootstrap with its own
 * id, name and users, so counts are exact), device tokens spread evenly over the four providers,
 * and registration through the real API with bounded concurrency.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxCredentials } from '../sandbox/credentials.ts';

export const PROVIDERS = ['APNS', 'FCM', 'WNS', 'SYNIVERSE'] as const;
export type Provider = (typeof PROVIDERS)[number];
export const PLATFORM_OF: Record<Provider, string> = {
  APNS: 'IOS',
  FCM: 'ANDROID',
  WNS: 'WINDOWS',
  SYNIVERSE: 'WEB',
};

export type Backend = {
  id: string;
  tag: string;
  /** The mobile user's name: the `user` of every device it registers. */
  user: string;
  /** Basic auth of the backend's Administrator (sends) and mobile user (registers). */
  admin: Record<string, string>;
  mobile: Record<string, string>;
};

const basic = (user: string, password: string, backendId: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  'Oracle-Mobile-Backend-ID': backendId,
  'Content-Type': 'application/json',
});

/** Seeds a new backend named `tag` (letters and digits) with the sandbox's credentials. */
export async function seedBackend(
  baseUrl: string,
  credentials: SandboxCredentials,
  tag: string,
): Promise<Backend> {
  const id = randomUUID();
  const admin = { username: `${tag}-admin`, password: `${tag}-admin-password` };
  const mobileUser = { username: `${tag}-user`, password: `${tag}-user-password` };
  const res = await fetch(`${baseUrl}/__dev/bootstrap`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      backendId: id,
      backendName: tag,
      admin,
      mobileUser,
      oauth: { clientId: `${tag}-client`, clientSecret: `${tag}-secret` },
      credentials,
    }),
  });
  if (!res.ok) throw new Error(`seeding backend ${tag}: ${res.status} ${await res.text()}`);
  return {
    id,
    tag,
    user: mobileUser.username,
    admin: basic(admin.username, admin.password, id),
    mobile: basic(mobileUser.username, mobileUser.password, id),
  };
}

/**
 * The i-th device of a run: provider i mod 4, a token unique within the run that matches none
 * of the sandbox's fault patterns (dead…, fa11…, fail…, …0198, …0199).
 */
export function deviceAt(sandboxUrl: string, run: number, i: number) {
  const provider = PROVIDERS[i % PROVIDERS.length] ?? 'APNS';
  const id = `${run}-${i}`;
  const token = {
    APNS: `be${run.toString(16).padStart(2, '0')}${i.toString(16).padStart(60, '0')}`,
    FCM: `bench-${id}:APA91b`,
    WNS: `${sandboxUrl}/wns/?token=bench-${id}`,
    SYNIVERSE: `+4479${String(run % 10)}${String(i).padStart(7, '0')}1`,
  }[provider];
  return { provider, token, platform: PLATFORM_OF[provider] };
}

export const registerBody = (device: ReturnType<typeof deviceAt>) =>
  JSON.stringify({
    mobileClient: { id: 'com.example.shop', version: '1.0', platform: device.platform },
    notificationProvider: device.provider,
    notificationToken: device.token,
  });

/** Registers devices 0..n-1 of `run`, `concurrency` at a time; throws on any failure. */
export async function registerDevices(
  baseUrl: string,
  sandboxUrl: string,
  backend: Backend,
  run: number,
  n: number,
  concurrency: number,
): Promise<{ seconds: number; perSecond: number }> {
  const url = `${baseUrl}/mobile/platform/devices/register`;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const body = registerBody(deviceAt(sandboxUrl, run, i));
      const res = await fetch(url, { method: 'POST', headers: backend.mobile, body });
      if (res.status !== 201) throw new Error(`register ${i}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: n / seconds };
}
