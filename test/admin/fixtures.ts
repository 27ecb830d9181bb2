/** Administration API test fixtures: calls without the backend header, members, real keys. */
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { expect } from 'vitest';
import { toBase64 } from '../../src/crypto/encoding';
import { hashPassword } from '../../src/crypto/password';
import { backendMembers, teamMembers } from '../../src/db/schema';
import { api, basic, type Call, type Demo, seed } from '../helpers';

export const ADMIN = '/admin/v1';

/** Every admin response text of the running test, so secrets can be searched for in all. */
export const seen: string[] = [];

/** Calls the administration API (no backend header) as `auth`, remembering the response text. */
export async function admin(auth: string, path: string, call: Call = {}) {
  const res = await api(`${ADMIN}${path}`, { auth, ...call });
  seen.push(await res.clone().text());
  return res;
}

export const adminAuth = (demo: Demo) => basic(demo.admin.username, demo.admin.password);

/** Calls as the demo backend's Administrator. */
export const asAdministrator = (demo: Demo, path: string, call: Call = {}) =>
  admin(adminAuth(demo), path, call);

/** A second backend with its own Administrator (admin2), as in test/auth. */
export const seedSecond = () =>
  seed({
    backendId: 'b-2',
    backendName: 'second',
    admin: { username: 'admin2', password: 'pw2-long-enough' },
    mobileUser: { username: 'sam', password: 'sam-password' },
    anonymousSecret: 'second-anonymous-secret',
    oauth: { clientId: 'c2', clientSecret: 's2' },
  });

/** A team member with `role` linked to `backendIds`; returns its Authorization header. */
export async function addMember(
  username: string,
  role: 'Administrator' | 'Developer',
  backendIds: string[],
): Promise<string> {
  const db = drizzle(env.DB);
  const id = `member-${username}`;
  const password = `${username}-password`;
  await db
    .insert(teamMembers)
    .values({ id, username, passwordHash: await hashPassword(password), role, createdOn: 0 });
  for (const backendId of backendIds) {
    await db.insert(backendMembers).values({ backendId, memberId: id });
  }
  return basic(username, password);
}

/** The JSON body of `res` after checking its status. */
export async function json<T = Record<string, unknown>>(res: Response, status: number) {
  const text = await res.clone().text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

function pem(der: ArrayBuffer, label = 'PRIVATE KEY'): string {
  const lines = toBase64(new Uint8Array(der)).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

async function pkcs8Of(algorithm: Parameters<SubtleCrypto['generateKey']>[0]): Promise<string> {
  const pair = (await crypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return pem((await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer);
}

/** A fresh .p8: PKCS#8 PEM of a P-256 key. */
export const p256Pem = () => pkcs8Of({ name: 'ECDSA', namedCurve: 'P-256' });

/** PKCS#8 PEM of a P-384 key (not an APNs key). */
export const p384Pem = () => pkcs8Of({ name: 'ECDSA', namedCurve: 'P-384' });

/** PKCS#8 PEM of an RSA-2048 key, as in a Google service-account file. */
export const rsaPem = () =>
  pkcs8Of({
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  });

/** The base64 lines of a PEM: any of them in a response would be a leaked key. */
export function pemLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
}

/** Fails when any response of the test contains any of `secrets`. */
export function expectNoSecretSeen(secrets: string[]) {
  for (const text of seen) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

/** A Google service-account key file for `privateKeyPem`. */
export function serviceAccount(privateKeyPem: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'service_account',
    project_id: 'shop-project',
    private_key_id: 'a1b2c3d4e5f6',
    private_key: privateKeyPem,
    client_email: 'pusher@shop-project.iam.gserviceaccount.com',
    client_id: '1234567890',
    token_uri: 'https://oauth2.googleapis.com/token',
    ...overrides,
  };
}

export const TEAM_ID = 'ABCDE12345';
export const KEY_ID = 'KEY1234567';

/** A valid APNS profile body with `privateKey`. */
export function apnsProfile(privateKey: string, credentials: Record<string, unknown> = {}) {
  return {
    name: 'shop-apns-prod',
    provider: 'APNS',
    credentials: {
      teamId: TEAM_ID,
      keyId: KEY_ID,
      privateKey,
      bundleId: 'com.example.shop',
      environment: 'production',
      ...credentials,
    },
  };
}

/**
 * Empties D1 (tests of one file share it): every other table cascades from these two. Member
 * ids are derived from usernames, so the isolate's remembered Basic checks stay true.
 */
export async function resetDatabase(): Promise<void> {
  await env.DB.batch([
    env.DB.prepare('DELETE FROM backends'),
    env.DB.prepare('DELETE FROM team_members'),
  ]);
  seen.length = 0;
}

/** The number of rows in `table`. */
export async function rowCount(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}

export type { Demo };
