import { describe, expect, it } from 'vitest';
import {
  programAnswers,
  randomDigits,
  register,
  sandboxRequests,
  seed,
  sendAndWait,
} from '../helpers';

describe('Retry-After', () => {
  it('sends again no sooner than Retry-After says and counts the later success', async () => {
    const demo = await seed();
    const token = `fcm-quota-${randomDigits(10)}`;
    const user = `quota-${randomDigits(8)}`;
    await programAnswers('FCM', token, [
      {
        status: 429,
        headers: { 'Retry-After': '30' },
        body: {
          error: {
            code: 429,
            message: 'Quota exceeded.',
            status: 'RESOURCE_EXHAUSTED',
            details: [
              {
                '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
                errorCode: 'QUOTA_EXCEEDED',
              },
            ],
          },
        },
      },
    ]);
    await register(demo, { platform: 'ANDROID', token, user });
    const final = await sendAndWait(demo, { message: 'later', users: [user] }, 60_000);
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 1, successCount: 1 });

    const requests = await sandboxRequests(token, 'FCM');
    expect(requests.map((r) => r.status)).toEqual([429, 200]);
    const waited =
      Date.parse(requests[1]?.receivedAt ?? '') - Date.parse(requests[0]?.receivedAt ?? '');
    expect(waited).toBeGreaterThanOrEqual(30_000);
  }, 70_000);
});
