/**
 * The outcome matrix (providers.md §7) end to end: the sandbox gives each answer for real, and
 * the device registry and the notification's counts show what it meant.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
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

type Provider = 'APNS' | 'FCM' | 'WNS' | 'SYNIVERSE';
type Answer = { status: number; headers?: Record<string, string>; body?: unknown };
type Row = {
  name: string;
  provider: Provider;
  answers: Answer[];
  status: 'Sent' | 'Warning' | 'Error';
  kept: boolean;
  requests: number;
  error?: RegExp;
};

const apns = (status: number, reason: string): Answer => ({ status, body: { reason } });
const fcm = (status: number, googleStatus: string, errorCode?: string, message = 'x'): Answer => ({
  status,
  body: {
    error: {
      code: status,
      message,
      status: googleStatus,
      details: errorCode
        ? [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }]
        : [],
    },
  },
});
const wns = (status: number, headers: Record<string, string> = {}): Answer => ({ status, headers });
const scg = (status: number, code: string): Answer => ({
  status,
  body: { error_code: code, error_description: code },
});
const fiveTimes = (answer: Answer) => Array.from({ length: 5 }, () => answer);

const ROWS: Row[] = [
  // Dead token: the device is removed.
  {
    name: 'APNs 410 Unregistered',
    provider: 'APNS',
    answers: [{ status: 410, body: { reason: 'Unregistered', timestamp: Date.now() } }],
    status: 'Error',
    kept: false,
    requests: 1,
  },
  {
    name: 'APNs 410 ExpiredToken',
    provider: 'APNS',
    answers: [apns(410, 'ExpiredToken')],
    status: 'Error',
    kept: false,
    requests: 1,
  },
  {
    name: 'FCM 404 UNREGISTERED',
    provider: 'FCM',
    answers: [fcm(404, 'NOT_FOUND', 'UNREGISTERED')],
    status: 'Error',
    kept: false,
    requests: 1,
  },
  {
    name: 'FCM 400 invalid registration token',
    provider: 'FCM',
    answers: [
      fcm(
        400,
        'INVALID_ARGUMENT',
        'INVALID_ARGUMENT',
        'The registration token is not a valid FCM registration token',
      ),
    ],
    status: 'Error',
    kept: false,
    requests: 1,
  },
  {
    name: 'WNS 404',
    provider: 'WNS',
    answers: [wns(404)],
    status: 'Error',
    kept: false,
    requests: 1,
  },
  {
    name: 'WNS 410 channel expired',
    provider: 'WNS',
    answers: [wns(410)],
    status: 'Error',
    kept: false,
    requests: 1,
  },
  {
    name: 'Syniverse 400 SCG_ERROR_40024',
    provider: 'SYNIVERSE',
    answers: [scg(400, 'SCG_ERROR_40024')],
    status: 'Error',
    kept: false,
    requests: 1,
  },
  // Credentials or configuration: the send is an Error naming the profile; the device stays.
  {
    name: 'APNs 400 DeviceTokenNotForTopic',
    provider: 'APNS',
    answers: [apns(400, 'DeviceTokenNotForTopic')],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /Profile demo-apns \(APNS\) was rejected/,
  },
  {
    name: 'FCM 403 SENDER_ID_MISMATCH',
    provider: 'FCM',
    answers: [fcm(403, 'PERMISSION_DENIED', 'SENDER_ID_MISMATCH')],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /Profile demo-fcm \(FCM\)/,
  },
  {
    name: 'FCM 401 THIRD_PARTY_AUTH_ERROR',
    provider: 'FCM',
    answers: [fcm(401, 'UNAUTHENTICATED', 'THIRD_PARTY_AUTH_ERROR')],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /THIRD_PARTY_AUTH_ERROR/,
  },
  {
    name: 'WNS 410 Domain Blocked',
    provider: 'WNS',
    answers: [wns(410, { 'X-WNS-Error-Description': 'Domain Blocked' })],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /Profile demo-wns \(WNS\)/,
  },
  {
    name: 'WNS 403',
    provider: 'WNS',
    answers: [wns(403)],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /WNS 403/,
  },
  {
    name: 'Syniverse 402 SCG_ERROR_4020',
    provider: 'SYNIVERSE',
    answers: [scg(402, 'SCG_ERROR_4020')],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /Profile demo-syniverse/,
  },
  {
    name: 'Syniverse 401 SCG_ERROR_4010, also after a token refresh',
    provider: 'SYNIVERSE',
    answers: [scg(401, 'SCG_ERROR_4010'), scg(401, 'SCG_ERROR_4010')],
    status: 'Error',
    kept: true,
    requests: 2,
    error: /Profile demo-syniverse \(SYNIVERSE\) was rejected.*SCG_ERROR_4010/,
  },
  {
    name: 'APNs 400 BadTopic',
    provider: 'APNS',
    answers: [apns(400, 'BadTopic')],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /Profile demo-apns \(APNS\) was rejected.*BadTopic/,
  },
  {
    name: 'APNs 429 TooManyProviderTokenUpdates',
    provider: 'APNS',
    answers: [apns(429, 'TooManyProviderTokenUpdates')],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /TooManyProviderTokenUpdates/,
  },
  {
    name: 'FCM 403 PERMISSION_DENIED',
    provider: 'FCM',
    answers: [fcm(403, 'PERMISSION_DENIED')],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /Profile demo-fcm \(FCM\) was rejected/,
  },
  {
    name: 'FCM 404 without an FcmError',
    provider: 'FCM',
    answers: [fcm(404, 'NOT_FOUND')],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /FCM 404/,
  },
  {
    name: 'Syniverse 403 SCG_ERROR_4030',
    provider: 'SYNIVERSE',
    answers: [scg(403, 'SCG_ERROR_4030')],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /Profile demo-syniverse \(SYNIVERSE\) was rejected/,
  },
  // Retry later: sent again, and a later success counts.
  {
    name: 'APNs 429 TooManyRequests, then 200',
    provider: 'APNS',
    answers: [apns(429, 'TooManyRequests')],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  {
    name: 'APNs 503 Shutdown, then 200',
    provider: 'APNS',
    answers: [apns(503, 'Shutdown')],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  {
    name: 'FCM 503 UNAVAILABLE, then 200',
    provider: 'FCM',
    answers: [fcm(503, 'UNAVAILABLE', 'UNAVAILABLE')],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  {
    name: 'FCM 500 INTERNAL, then 200',
    provider: 'FCM',
    answers: [fcm(500, 'INTERNAL', 'INTERNAL')],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  {
    name: 'WNS 406 throttled, then 200',
    provider: 'WNS',
    answers: [wns(406, { 'Retry-After': '1' })],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  {
    name: 'WNS 200 channelthrottled, then 200',
    provider: 'WNS',
    answers: [wns(200, { 'X-WNS-Status': 'channelthrottled' })],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  {
    name: 'Syniverse 503 SCG_ERROR_5030, then 200',
    provider: 'SYNIVERSE',
    answers: [scg(503, 'SCG_ERROR_5030')],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  {
    name: 'Syniverse 409 SCG_ERROR_4090, then 200',
    provider: 'SYNIVERSE',
    answers: [scg(409, 'SCG_ERROR_4090')],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  // Retry later until the last attempt: failed with the provider's reason; the device stays.
  {
    name: 'APNs 500 five times',
    provider: 'APNS',
    answers: fiveTimes(apns(500, 'InternalServerError')),
    status: 'Error',
    kept: true,
    requests: 5,
    error: /APNs 500 InternalServerError/,
  },
  // Refresh auth and retry once.
  {
    name: 'FCM 401 UNAUTHENTICATED, then 200',
    provider: 'FCM',
    answers: [fcm(401, 'UNAUTHENTICATED')],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  {
    name: 'WNS 401, then 200',
    provider: 'WNS',
    answers: [wns(401)],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  {
    name: 'Syniverse 404 SCG_ERROR_4046 (token expired), then 200',
    provider: 'SYNIVERSE',
    answers: [scg(404, 'SCG_ERROR_4046')],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  {
    name: 'APNs 400 IdleTimeout, then 200',
    provider: 'APNS',
    answers: [apns(400, 'IdleTimeout')],
    status: 'Sent',
    kept: true,
    requests: 2,
  },
  // Our bug (bad message): counted failed, the device stays, nothing is retried.
  {
    name: 'WNS 302 redirect, not followed',
    provider: 'WNS',
    answers: [wns(302, { Location: 'http://127.0.0.1:9/elsewhere' })],
    status: 'Error',
    kept: true,
    requests: 1,
  },
  {
    name: 'WNS 400',
    provider: 'WNS',
    answers: [wns(400)],
    status: 'Error',
    kept: true,
    requests: 1,
  },
  {
    name: 'Syniverse 400 SCG_ERROR_4001',
    provider: 'SYNIVERSE',
    answers: [scg(400, 'SCG_ERROR_4001')],
    status: 'Error',
    kept: true,
    requests: 1,
  },
  {
    name: 'APNs 400 BadCollapseId',
    provider: 'APNS',
    answers: [apns(400, 'BadCollapseId')],
    status: 'Error',
    kept: true,
    requests: 1,
    error: /BadCollapseId/,
  },
  {
    name: 'APNs 413 PayloadTooLarge',
    provider: 'APNS',
    answers: [apns(413, 'PayloadTooLarge')],
    status: 'Error',
    kept: true,
    requests: 1,
  },
  {
    name: 'FCM 400 BadRequest payload',
    provider: 'FCM',
    answers: [
      {
        status: 400,
        body: {
          error: {
            code: 400,
            message: 'Invalid JSON payload received.',
            status: 'INVALID_ARGUMENT',
            details: [
              { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [] },
            ],
          },
        },
      },
    ],
    status: 'Error',
    kept: true,
    requests: 1,
  },
  {
    name: 'WNS 200 dropped',
    provider: 'WNS',
    answers: [wns(200, { 'X-WNS-Status': 'dropped' })],
    status: 'Error',
    kept: true,
    requests: 1,
  },
  {
    name: 'WNS 413',
    provider: 'WNS',
    answers: [wns(413)],
    status: 'Error',
    kept: true,
    requests: 1,
  },
  {
    name: 'Syniverse 500 SCG_ERROR_5001',
    provider: 'SYNIVERSE',
    answers: [scg(500, 'SCG_ERROR_5001')],
    status: 'Error',
    kept: true,
    requests: 1,
  },
];

/** A device of `provider`: what to register, and the token the sandbox sees. */
function device(provider: Provider) {
  const id = randomDigits(12);
  switch (provider) {
    case 'APNS':
      return { platform: 'IOS', token: hexToken('a'), wire: '' };
    case 'FCM':
      return { platform: 'ANDROID', token: `fcm-row-${id}`, wire: '' };
    case 'WNS':
      return {
        platform: 'WINDOWS',
        token: `${env.SANDBOX_URL}/wns/?token=row${id}`,
        wire: `row${id}`,
      };
    case 'SYNIVERSE':
      return { platform: 'ANDROID', token: `+1415${id.slice(0, 7)}`, wire: '', provider };
  }
}

async function stored(token: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM devices WHERE token = ?')
    .bind(token)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function runRow(demo: Demo, row: Row) {
  const d = device(row.provider);
  const wire = d.wire || d.token;
  const user = `row-${randomDigits(10)}`;
  await programAnswers(row.provider, wire, row.answers);
  await register(demo, { ...d, user });
  const final = await sendAndWait(demo, { message: 'matrix', users: [user] });
  return {
    name: row.name,
    status: final.status,
    successCount: final.successCount,
    kept: (await stored(d.token)) === 1,
    requests: (await sandboxRequests(wire, row.provider)).length,
    errorMessage: String(final.errorMessage ?? ''),
  };
}

describe('provider answers end to end', () => {
  it('treats every row of the outcome matrix as the spec says', async () => {
    const demo = await seed();
    const results = await Promise.all(ROWS.map((row) => runRow(demo, row)));
    for (const [i, row] of ROWS.entries()) {
      const result = results[i];
      expect(result, row.name).toMatchObject({
        name: row.name,
        status: row.status,
        successCount: row.status === 'Sent' ? 1 : 0,
        kept: row.kept,
        requests: row.requests,
      });
      if (row.error) expect(result?.errorMessage, row.name).toMatch(row.error);
    }
  }, 120_000);
});
