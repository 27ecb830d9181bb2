/** APNs specifics end to end: the environment mix-up guard, provider token refresh, rejection. */

import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { ApnsTokenKeeper } from '../../src/providers/apns-token-keeper';
import {
  type Demo,
  hexToken,
  programAnswers,
  randomDigits,
  register,
  sandboxRequests,
  seed,
  sendAndWait,
} from '../helpers';

const badDeviceToken = { status: 400, body: { reason: 'BadDeviceToken' } };

async function storedCount(tokens: string[]): Promise<number> {
  const marks = tokens.map(() => '?').join(',');
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM devices WHERE token IN (${marks})`)
    .bind(...tokens)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function iosDevices(demo: Demo, count: number, user: string): Promise<string[]> {
  const tokens = Array.from({ length: count }, () => hexToken('b'));
  await register(demo, ...tokens.map((token) => ({ platform: 'IOS', token, user })));
  return tokens;
}

/** A second backend with its own admin and its own APNs key. */
function otherBackend(name: string) {
  return seed({
    backendId: `backend-${name}`,
    backendName: name,
    admin: { username: `admin-${name}`, password: 'password-of-another' },
    oauth: { clientId: `client-${name}`, clientSecret: 'secret-of-another' },
  });
}

describe('APNs BadDeviceToken', () => {
  it('removes the device when other devices of the send were accepted', async () => {
    const demo = await seed();
    const user = `mixed-${randomDigits(8)}`;
    const [bad, good] = await iosDevices(demo, 2, user);
    await programAnswers('APNS', bad ?? '', [badDeviceToken]);
    const final = await sendAndWait(demo, { message: 'x', users: [user] });
    expect(final).toMatchObject({ status: 'Warning', deviceCount: 2, successCount: 1 });
    expect(await storedCount([bad ?? ''])).toBe(0);
    expect(await storedCount([good ?? ''])).toBe(1);
  });

  it('reports an environment mix-up and removes nothing when every device says it', async () => {
    const demo = await seed();
    const user = `env-${randomDigits(8)}`;
    const tokens = await iosDevices(demo, 3, user);
    for (const token of tokens) await programAnswers('APNS', token, [badDeviceToken]);
    const final = await sendAndWait(demo, { message: 'x', users: [user] });
    expect(final).toMatchObject({ status: 'Error', deviceCount: 3, successCount: 0 });
    expect(final.errorMessage).toMatch(/BadDeviceToken for every device.*development environment/);
    expect(await storedCount(tokens)).toBe(3);
  });
});

describe('APNs provider token', () => {
  it('mints one new token and resends once when APNs answers ExpiredProviderToken', async () => {
    const demo = await seed();
    const key = env.SANDBOX_CREDENTIALS.apns;
    const row = await env.DB.prepare(
      "SELECT settings FROM profiles WHERE provider = 'APNS' AND backend_id = ?",
    )
      .bind(demo.backendId)
      .first<{ settings: string }>();
    const { teamId, keyId } = JSON.parse(row?.settings ?? '{}') as Record<string, string>;
    expect(teamId).not.toBe(key.teamId);

    // The shared token is 70 minutes old: minted long ago and still cached by the keeper.
    const seventyMinutesAgo = Date.now() - 70 * 60_000;
    const stub = env.APNS_TOKENS.get(env.APNS_TOKENS.idFromName(`${teamId}:${keyId}`));
    const before = await runInDurableObject(stub, (_: ApnsTokenKeeper, state) =>
      state.storage.get('jwt'),
    );
    expect(before).toBeUndefined();
    const privateKeyPem = await privateKeyOf(demo);
    const stale = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: keyId })
      .setIssuer(teamId ?? '')
      .setIssuedAt(Math.floor(seventyMinutesAgo / 1000))
      .sign(await importPKCS8(privateKeyPem, 'ES256'));
    await runInDurableObject(stub, async (_: ApnsTokenKeeper, state) => {
      await state.storage.put('jwt', {
        value: stale,
        mintedAt: seventyMinutesAgo,
        useUntil: Date.now() + 60_000,
      });
    });

    const user = `expired-${randomDigits(8)}`;
    const [token] = await iosDevices(demo, 1, user);
    const final = await sendAndWait(demo, { message: 'x', users: [user] });
    expect(final).toMatchObject({ status: 'Sent', successCount: 1 });
    const requests = await sandboxRequests(token ?? '', 'APNS');
    expect(requests.map((r) => r.status)).toEqual([403, 200]);
    expect(requests[0]?.headers.authorization).toBe(`bearer ${stale}`);
    expect(requests[1]?.headers.authorization).not.toBe(`bearer ${stale}`);
  });

  it('uses one provider token for a send of many batches, without 429 or 403', async () => {
    const demo = await seed();
    const user = `long-${randomDigits(8)}`;
    const tokens = await iosDevices(demo, 120, user);
    const first = await sendAndWait(demo, { message: 'one', users: [user] });
    const second = await sendAndWait(demo, { message: 'two', users: [user] });
    expect(first).toMatchObject({ status: 'Sent', deviceCount: 120, successCount: 120 });
    expect(second).toMatchObject({ status: 'Sent', deviceCount: 120, successCount: 120 });
    const requests = (await Promise.all(tokens.map((t) => sandboxRequests(t, 'APNS')))).flat();
    expect(requests).toHaveLength(240);
    expect(requests.every((r) => r.status === 200)).toBe(true);
    expect(new Set(requests.map((r) => r.headers.authorization)).size).toBe(1);
  });

  it('stops sending to a profile APNs rejects, in every batch, and names it', async () => {
    const demo = await otherBackend('rejected');
    const user = `rejected-${randomDigits(8)}`;
    const tokens = await iosDevices(demo, 60, user);
    for (const token of tokens) {
      await programAnswers('APNS', token, [
        { status: 403, body: { reason: 'InvalidProviderToken' } },
      ]);
    }
    const final = await sendAndWait(demo, { message: 'x', users: [user] });
    expect(final).toMatchObject({ status: 'Error', deviceCount: 60, successCount: 0 });
    expect(final.errorMessage).toMatch(
      /Profile demo-apns \(APNS\) was rejected.*InvalidProviderToken/,
    );
    const requests = (await Promise.all(tokens.map((t) => sandboxRequests(t, 'APNS')))).flat();
    expect(requests.length).toBeGreaterThanOrEqual(1);
    expect(requests.length).toBeLessThanOrEqual(6);
    expect(await storedCount(tokens)).toBe(60);
  });
});

async function privateKeyOf(demo: Demo): Promise<string> {
  const { unseal } = await import('../../src/crypto/sealed');
  const row = await env.DB.prepare(
    "SELECT credentials FROM profiles WHERE provider = 'APNS' AND backend_id = ?",
  )
    .bind(demo.backendId)
    .first<{ credentials: string }>();
  const credentials = JSON.parse(await unseal(env.CREDENTIALS_KEY, row?.credentials ?? ''));
  return credentials.privateKeyPem as string;
}
