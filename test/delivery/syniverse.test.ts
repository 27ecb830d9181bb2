import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { randomDigits, register, sandboxRequests, seed, sendAndWait } from '../helpers';

async function sandbox(path: string, body?: unknown): Promise<Response> {
  return fetch(`${env.SANDBOX_URL}${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
}

describe('Syniverse app token', () => {
  it('refreshes an expired app token once, resends once, and keeps the new token', async () => {
    const { token } = (await (await sandbox('/__sandbox/syniverse/tokens')).json()) as {
      token: string;
    };
    const { fcm, wns, syniverse } = env.SANDBOX_CREDENTIALS;
    const demo = await seed({
      credentials: {
        apns: env.SANDBOX_CREDENTIALS.apns,
        fcm,
        wns,
        syniverse: { ...syniverse, appToken: token },
      },
    });
    expect((await sandbox('/__sandbox/syniverse/expire', { token })).status).toBe(204);

    const phones = [`+1650${randomDigits(7)}`, `+1650${randomDigits(7)}`];
    const user = `sms-${randomDigits(8)}`;
    for (const phone of phones) {
      await register(demo, { platform: 'ANDROID', token: phone, provider: 'SYNIVERSE', user });
    }
    const final = await sendAndWait(demo, { message: 'text', users: [user] });
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 2, successCount: 2 });

    const refreshes = await sandboxRequests(`oldtoken=${token}`, 'SYNIVERSE');
    expect(refreshes).toHaveLength(1);
    const sends = (await Promise.all(phones.map((p) => sandboxRequests(p, 'SYNIVERSE')))).flat();
    const answered = sends.map((r) => [r.status, r.headers.authorization === `Bearer ${token}`]);
    expect(answered.filter(([status]) => status === 200)).toHaveLength(2);
    expect(answered.filter(([status, old]) => status === 200 && old)).toHaveLength(0);
    expect(answered.filter(([status]) => status === 404).length).toBeGreaterThanOrEqual(1);
  });
});
