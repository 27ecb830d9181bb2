import { describe, expect, it } from 'vitest';
import { classifyApns, isApnsJwtExpired, isApnsJwtInvalid } from '../../src/providers/apns-outcome';
import { classifyTokenAnswer, parseRetryAfter, providerCode } from '../../src/providers/classify';
import { classifyFcm, isFcmAccessTokenRejected } from '../../src/providers/fcm-outcome';
import { classifySyniverse } from '../../src/providers/syniverse-outcome';
import { accessTokenUseUntil } from '../../src/providers/token-cache';
import { isAllowedChannelUri } from '../../src/providers/wns';
import { classifyWns } from '../../src/providers/wns-outcome';

const none = {};
const apnsError = (reason: string) => ({ reason });
const fcmError = (status: string, errorCode?: string, message = 'x') => ({
  error: {
    code: 0,
    message,
    status,
    details: errorCode
      ? [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }]
      : [],
  },
});
const scgError = (code: string) => ({ error_code: code, error_description: 'x' });

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('gives the seconds when the value is delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('gives the seconds until the date when the value is an IMF-fixdate', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90);
  });

  it('gives the seconds until the date when the value is an RFC 850 date', () => {
    expect(parseRetryAfter('Thursday, 01-Jan-26 00:00:10 GMT', now)).toBe(10);
  });

  it('gives 0 when the date is past', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('gives undefined when the header is absent, empty or unreadable', () => {
    for (const value of [undefined, null, '', '  ', '-5', '1.5', '2026-01-01', 'soon', 'Mon, x']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});

describe('providerCode', () => {
  it('keeps a code when it is short and made of code characters', () => {
    expect(providerCode('SCG_ERROR_40024')).toBe('SCG_ERROR_40024');
    expect(providerCode(1001)).toBe('1001');
  });

  it('drops the value when it is free text, too long or not a string', () => {
    expect(providerCode('token abc is bad')).toBeUndefined();
    expect(providerCode('a'.repeat(65))).toBeUndefined();
    expect(providerCode({ reason: 'x' })).toBeUndefined();
  });
});

describe('classifyApns', () => {
  it('accepted when 200', () => {
    expect(classifyApns(200, undefined, none)).toEqual({ kind: 'accepted' });
  });

  it.each(['Unregistered', 'ExpiredToken'])('dead when 410 %s', (reason) => {
    expect(classifyApns(410, { reason, timestamp: 1 }, none)).toEqual({
      kind: 'dead',
      reason: `APNs 410 ${reason}`,
    });
  });

  it('dead unless every token says so when 400 BadDeviceToken', () => {
    expect(classifyApns(400, apnsError('BadDeviceToken'), none)).toEqual({
      kind: 'dead',
      reason: 'APNs 400 BadDeviceToken',
      ambiguous: true,
    });
  });

  it.each(['BadTopic', 'TopicDisallowed', 'MissingTopic', 'DeviceTokenNotForTopic'])(
    'credentials when 400 %s',
    (reason) => {
      expect(classifyApns(400, apnsError(reason), none).kind).toBe('credentials');
    },
  );

  it.each([
    'ExpiredProviderToken',
    'InvalidProviderToken',
    'MissingProviderToken',
    'BadEnvironmentKeyIdInToken',
    'BadEnvironmentKeyInToken',
    'UnrelatedKeyIdInToken',
    'Forbidden',
    'BadCertificate',
  ])('credentials when 403 %s', (reason) => {
    expect(classifyApns(403, apnsError(reason), none)).toEqual({
      kind: 'credentials',
      reason: `APNs 403 ${reason}`,
    });
  });

  it('credentials when 429 TooManyProviderTokenUpdates', () => {
    expect(classifyApns(429, apnsError('TooManyProviderTokenUpdates'), none).kind).toBe(
      'credentials',
    );
  });

  it.each([
    [429, 'TooManyRequests'],
    [500, 'InternalServerError'],
    [503, 'ServiceUnavailable'],
    [503, 'Shutdown'],
    [400, 'IdleTimeout'],
  ])('retry when %i %s', (status, reason) => {
    expect(classifyApns(status, apnsError(reason), none)).toEqual({
      kind: 'retry',
      reason: `APNs ${status} ${reason}`,
    });
  });

  it('retry with retryAfterSeconds when a Retry-After header comes anyway', () => {
    expect(classifyApns(503, undefined, { retryAfter: '7' })).toEqual({
      kind: 'retry',
      reason: 'APNs 503',
      retryAfterSeconds: 7,
    });
  });

  it.each([
    [400, 'BadCollapseId'],
    [400, 'BadExpirationDate'],
    [400, 'BadMessageId'],
    [400, 'BadPriority'],
    [400, 'DuplicateHeaders'],
    [400, 'InvalidPushType'],
    [400, 'MissingDeviceToken'],
    [400, 'PayloadEmpty'],
    [404, 'BadPath'],
    [405, 'MethodNotAllowed'],
    [413, 'PayloadTooLarge'],
  ])('bad-message when %i %s', (status, reason) => {
    expect(classifyApns(status, apnsError(reason), none)).toEqual({
      kind: 'bad-message',
      reason: `APNs ${status} ${reason}`,
    });
  });

  it('bad-message without the body text when the body is not an APNs error', () => {
    expect(classifyApns(302, '<html>moved</html>', none)).toEqual({
      kind: 'bad-message',
      reason: 'APNs 302',
    });
  });
});

describe('APNs provider-token checks', () => {
  it('asks for a new JWT when 403 ExpiredProviderToken', () => {
    expect(isApnsJwtExpired(403, apnsError('ExpiredProviderToken'))).toBe(true);
    expect(isApnsJwtExpired(403, apnsError('InvalidProviderToken'))).toBe(false);
  });

  it('drops the JWT when 403 InvalidProviderToken', () => {
    expect(isApnsJwtInvalid(403, apnsError('InvalidProviderToken'))).toBe(true);
    expect(isApnsJwtInvalid(400, apnsError('InvalidProviderToken'))).toBe(false);
  });
});

describe('classifyFcm', () => {
  it('accepted when 200 with a message name', () => {
    expect(classifyFcm(200, { name: 'projects/p/messages/1' }, none)).toEqual({
      kind: 'accepted',
    });
  });

  it('dead when 404 with FcmError UNREGISTERED', () => {
    expect(classifyFcm(404, fcmError('NOT_FOUND', 'UNREGISTERED'), none)).toEqual({
      kind: 'dead',
      reason: 'FCM 404 UNREGISTERED',
    });
  });

  it('dead when 400 FcmError INVALID_ARGUMENT says the registration token is not valid', () => {
    const body = fcmError(
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
      'The registration token is not a valid FCM registration token',
    );
    expect(classifyFcm(400, body, none)).toEqual({
      kind: 'dead',
      reason: 'FCM 400 INVALID_ARGUMENT (invalid registration token)',
    });
  });

  it('bad-message when 400 INVALID_ARGUMENT is about the payload', () => {
    const body = {
      error: {
        code: 400,
        message: "Invalid value at 'message.data[0].value' (TYPE_STRING), 3",
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [] }],
      },
    };
    expect(classifyFcm(400, body, none)).toEqual({
      kind: 'bad-message',
      reason: 'FCM 400 INVALID_ARGUMENT',
    });
  });

  it('bad-message when the token wording comes without an FcmError', () => {
    const body = fcmError('INVALID_ARGUMENT', undefined, 'not a valid FCM registration token');
    expect(classifyFcm(400, body, none).kind).toBe('bad-message');
  });

  it('credentials when 403 SENDER_ID_MISMATCH', () => {
    expect(classifyFcm(403, fcmError('PERMISSION_DENIED', 'SENDER_ID_MISMATCH'), none)).toEqual({
      kind: 'credentials',
      reason: 'FCM 403 SENDER_ID_MISMATCH',
    });
  });

  it('credentials when 401 THIRD_PARTY_AUTH_ERROR', () => {
    const body = fcmError('UNAUTHENTICATED', 'THIRD_PARTY_AUTH_ERROR');
    expect(classifyFcm(401, body, none)).toEqual({
      kind: 'credentials',
      reason: 'FCM 401 THIRD_PARTY_AUTH_ERROR',
    });
  });

  it('credentials when 401 UNAUTHENTICATED persists after a fresh token', () => {
    expect(classifyFcm(401, fcmError('UNAUTHENTICATED'), none)).toEqual({
      kind: 'credentials',
      reason: 'FCM 401 UNAUTHENTICATED',
    });
  });

  it('credentials when 403 PERMISSION_DENIED', () => {
    expect(classifyFcm(403, fcmError('PERMISSION_DENIED'), none).kind).toBe('credentials');
  });

  it('credentials when 404 comes without an FcmError (wrong project)', () => {
    expect(classifyFcm(404, fcmError('NOT_FOUND'), none)).toEqual({
      kind: 'credentials',
      reason: 'FCM 404 NOT_FOUND',
    });
  });

  it('retry after Retry-After, else 60 s, when 429 QUOTA_EXCEEDED', () => {
    const body = fcmError('RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED');
    expect(classifyFcm(429, body, none)).toEqual({
      kind: 'retry',
      reason: 'FCM 429 QUOTA_EXCEEDED',
      retryAfterSeconds: 60,
    });
    expect(classifyFcm(429, body, { retryAfter: '10' })).toMatchObject({ retryAfterSeconds: 10 });
    expect(classifyFcm(429, body, { retryAfter: '90' })).toMatchObject({ retryAfterSeconds: 90 });
  });

  it('retry with Retry-After when 503 UNAVAILABLE', () => {
    expect(classifyFcm(503, fcmError('UNAVAILABLE', 'UNAVAILABLE'), { retryAfter: '5' })).toEqual({
      kind: 'retry',
      reason: 'FCM 503 UNAVAILABLE',
      retryAfterSeconds: 5,
    });
  });

  it('retry when 500 INTERNAL', () => {
    expect(classifyFcm(500, fcmError('INTERNAL', 'INTERNAL'), none)).toEqual({
      kind: 'retry',
      reason: 'FCM 500 INTERNAL',
    });
  });

  it('bad-message when 413', () => {
    expect(classifyFcm(413, undefined, none)).toEqual({ kind: 'bad-message', reason: 'FCM 413' });
  });
});

describe('isFcmAccessTokenRejected', () => {
  it('asks for a new access token when 401 UNAUTHENTICATED without an FcmError', () => {
    expect(isFcmAccessTokenRejected(401, fcmError('UNAUTHENTICATED'))).toBe(true);
    expect(isFcmAccessTokenRejected(401, undefined)).toBe(true);
  });

  it('keeps the token when 401 THIRD_PARTY_AUTH_ERROR or another status', () => {
    const body = fcmError('UNAUTHENTICATED', 'THIRD_PARTY_AUTH_ERROR');
    expect(isFcmAccessTokenRejected(401, body)).toBe(false);
    expect(isFcmAccessTokenRejected(403, fcmError('PERMISSION_DENIED'))).toBe(false);
  });
});

describe('classifyWns', () => {
  it('accepted when 200 received or without X-WNS-Status', () => {
    expect(classifyWns(200, { wnsStatus: 'received' })).toEqual({ kind: 'accepted' });
    expect(classifyWns(200, {})).toEqual({ kind: 'accepted' });
  });

  it('retry when 200 channelthrottled', () => {
    expect(classifyWns(200, { wnsStatus: 'channelthrottled', retryAfter: '30' })).toEqual({
      kind: 'retry',
      reason: 'WNS 200 channelthrottled',
      retryAfterSeconds: 30,
    });
  });

  it('bad-message when 200 dropped', () => {
    expect(classifyWns(200, { wnsStatus: 'dropped' })).toEqual({
      kind: 'bad-message',
      reason: 'WNS 200 dropped',
    });
  });

  it('dead when 404', () => {
    expect(classifyWns(404, {})).toEqual({ kind: 'dead', reason: 'WNS 404' });
  });

  it('dead when 410 channel expired', () => {
    expect(classifyWns(410, { errorDescription: 'The channel expired.' })).toEqual({
      kind: 'dead',
      reason: 'WNS 410',
    });
  });

  it('credentials when 410 Domain Blocked', () => {
    expect(classifyWns(410, { errorDescription: 'Domain Blocked' })).toEqual({
      kind: 'credentials',
      reason: 'WNS 410 Domain Blocked',
    });
  });

  it.each([401, 403])('credentials when %i', (status) => {
    expect(classifyWns(status, {})).toEqual({ kind: 'credentials', reason: `WNS ${status}` });
  });

  it.each([406, 500, 503])('retry with Retry-After when %i', (status) => {
    expect(classifyWns(status, { retryAfter: '12' })).toEqual({
      kind: 'retry',
      reason: `WNS ${status}`,
      retryAfterSeconds: 12,
    });
  });

  it.each([400, 405, 413])('bad-message when %i', (status) => {
    expect(classifyWns(status, {})).toEqual({ kind: 'bad-message', reason: `WNS ${status}` });
  });
});

describe('isAllowedChannelUri', () => {
  it('allows https channels under notify.windows.com', () => {
    expect(isAllowedChannelUri('https://db5p.notify.windows.com/?token=AwYAAAB', [])).toBe(true);
    expect(isAllowedChannelUri('https://wns2-by3p.notify.windows.com/w/?token=A', [])).toBe(true);
    expect(isAllowedChannelUri('https://x.notify.windows.com:443/?token=A', [])).toBe(true);
  });

  it('allows a channel when its origin is an extra origin', () => {
    const origins = ['http://127.0.0.1:8788'];
    expect(isAllowedChannelUri('http://127.0.0.1:8788/wns/?token=abc', origins)).toBe(true);
    expect(isAllowedChannelUri('http://127.0.0.1:8789/wns/?token=abc', origins)).toBe(false);
  });

  it('refuses an opaque URI even when an extra origin is opaque too', () => {
    expect(isAllowedChannelUri('data:text/plain,x', ['foo:bar'])).toBe(false);
  });

  it.each([
    'http://db5p.notify.windows.com/?token=A',
    'https://db5p.notify.windows.com:8443/?token=A',
    'https://user:pw@db5p.notify.windows.com/?token=A',
    'https://notify.windows.com/?token=A',
    'https://db5p.notify.windows.com.evil.example/?token=A',
    'https://evilnotify.windows.com/?token=A',
    'https://db5p.notify.windows.com./?token=A',
    'not a url',
    '',
  ])('refuses %s', (uri) => {
    expect(isAllowedChannelUri(uri, ['', 'garbage'])).toBe(false);
  });
});

describe('classifySyniverse', () => {
  it.each([200, 201])('accepted when %i with a message request id', (status) => {
    expect(classifySyniverse(status, { id: 'aQWY9PeMCO01TEH9bk1ek5' }, none)).toEqual({
      kind: 'accepted',
    });
  });

  it('bad-message when 200 without an id', () => {
    expect(classifySyniverse(200, {}, none).kind).toBe('bad-message');
  });

  it('dead when 400 SCG_ERROR_40024', () => {
    expect(classifySyniverse(400, scgError('SCG_ERROR_40024'), none)).toEqual({
      kind: 'dead',
      reason: 'Syniverse 400 SCG_ERROR_40024',
    });
  });

  it('dead when the old SDK field errcode names 40024', () => {
    expect(classifySyniverse(400, { errcode: 'SCG_ERROR_40024' }, none).kind).toBe('dead');
  });

  it.each([
    [401, 'SCG_ERROR_4010'],
    [402, 'SCG_ERROR_4020'],
    [402, 'SCG_ERROR_4021'],
    [403, 'SCG_ERROR_4033'],
    [404, 'SCG_ERROR_4046'],
    [404, 'SCG_ERROR_4045'],
  ])('credentials when %i %s', (status, code) => {
    expect(classifySyniverse(status, scgError(code), none)).toEqual({
      kind: 'credentials',
      reason: `Syniverse ${status} ${code}`,
    });
  });

  it.each([
    [500, 'SCG_ERROR_5000'],
    [503, 'SCG_ERROR_5030'],
    [409, '1001'],
    [409, 'SCG_ERROR_4090'],
    [429, 'x'],
  ])('retry when %i %s', (status, code) => {
    expect(classifySyniverse(status, scgError(code), none).kind).toBe('retry');
  });

  it.each([
    [400, 'SCG_ERROR_4001'],
    [400, 'SCG_ERROR_40015'],
    [409, '1011'],
    [422, 'SCG_ERROR_4220'],
    [500, 'SCG_ERROR_5001'],
  ])('bad-message when %i %s', (status, code) => {
    expect(classifySyniverse(status, scgError(code), none)).toEqual({
      kind: 'bad-message',
      reason: `Syniverse ${status} ${code}`,
    });
  });
});

describe('classifyTokenAnswer', () => {
  it('token when 200 with access_token and expires_in', () => {
    const body = { access_token: 'ya29.x', expires_in: 3599, token_type: 'Bearer' };
    expect(classifyTokenAnswer('Google token endpoint', 200, body, none)).toEqual({
      kind: 'token',
      accessToken: 'ya29.x',
      expiresInSeconds: 3599,
    });
  });

  it('retry when 200 without an access token', () => {
    expect(classifyTokenAnswer('WNS token endpoint', 200, {}, none).kind).toBe('retry');
  });

  it.each([
    [400, 'invalid_grant'],
    [400, 'invalid_scope'],
    [401, 'invalid_client'],
  ])('credentials when %i %s', (status, error) => {
    const body = { error, error_description: 'Invalid JWT Signature.' };
    expect(classifyTokenAnswer('Google token endpoint', status, body, none)).toEqual({
      kind: 'credentials',
      reason: `Google token endpoint ${status} ${error}`,
    });
  });

  it.each([429, 500, 503])('retry when %i', (status) => {
    expect(classifyTokenAnswer('Entra token endpoint', status, '', { retryAfter: '3' })).toEqual({
      kind: 'retry',
      reason: `Entra token endpoint ${status}`,
      retryAfterSeconds: 3,
    });
  });
});

describe('accessTokenUseUntil', () => {
  it('stops 5 minutes before expiry when the lifetime is long', () => {
    expect(accessTokenUseUntil(3599, 0)).toBe(3299_000);
  });

  it('stops halfway when the lifetime is under 10 minutes', () => {
    expect(accessTokenUseUntil(120, 0)).toBe(60_000);
  });
});
