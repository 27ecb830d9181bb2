import { describe, expect, it } from 'vitest';
import { hexToken, register, sandboxRequests, seed, sendAndWait } from '../helpers';

describe('a device whose provider host cannot be reached', () => {
  it('fails alone and the other devices of the send get exactly one push', async () => {
    const demo = await seed();
    const user = `u-${crypto.randomUUID().slice(0, 8)}`;
    const apns = hexToken();
    await register(
      demo,
      { platform: 'IOS', token: apns, user },
      { platform: 'WINDOWS', token: 'https://hk2.notify.windows.com/?token=AwYAAAB', user },
    );
    const final = await sendAndWait(demo, { message: 'once', users: [user] });
    expect(final).toMatchObject({ deviceCount: 2, successCount: 1 });
    expect(await sandboxRequests(apns, 'APNS')).toHaveLength(1);
  });
});
