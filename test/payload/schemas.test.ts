/** Content rules checked when a send request is read (api-contract.md, Notifications). */
import { describe, expect, it } from 'vitest';
import { issuesToDetails } from '../../src/http/validate';
import { SendNotificationSchema } from '../../src/notifications/schemas';

/** The `o:errorDetails` a request would get, as [path, title] pairs; [] when it is valid. */
function details(body: unknown): [string, string][] {
  const result = SendNotificationSchema.safeParse(body);
  if (result.success) return [];
  return issuesToDetails(result.error.issues).map((d) => [d['o:errorPath'], d.title]);
}

const paths = (body: unknown) => details(body).map(([path]) => path);
const withParameters = (parameters: unknown) => ({ template: { name: '#default', parameters } });
const withServices = (services: unknown) => ({ payload: { services } });

describe('SendNotificationSchema content', () => {
  it('refuses a request when it has no message, template or payload', () => {
    expect(details({ users: ['pat'] })).toEqual([
      ['$.message', 'At least one of message, template or payload is required.'],
    ]);
  });

  it('accepts a request when message, template and payload are all given', () => {
    const body = {
      message: 'm',
      ...withParameters({ title: 't', body: 'b', badge: 0, sound: 'default', custom: { k: 1 } }),
      ...withServices({
        apns: { aps: {} },
        fcm: { data: {} },
        wns: { type: 'raw', body: 'r' },
        syniverse: 's',
      }),
    };
    expect(details(body)).toEqual([]);
  });

  it('requires body when the template has a title', () => {
    expect(details(withParameters({ title: 'Sale' }))).toEqual([
      ['$.template.parameters.body', 'body is required when title is given.'],
    ]);
  });

  it.each([[-1], ['3'], [1.5], [null]])('refuses badge %j when it is not an integer ≥ 0', (b) => {
    expect(paths(withParameters({ body: 'b', badge: b }))).toEqual(['$.template.parameters.badge']);
  });

  it.each([['chime.mp3'], ['chime'], ['../chime.wav'], ['']])(
    'refuses sound %j when it is not "default" or a .wav name',
    (sound) => {
      expect(details(withParameters({ body: 'b', sound }))).toEqual([
        ['$.template.parameters.sound', 'sound must be "default" or the name of a .wav file.'],
      ]);
    },
  );

  it('names every custom key FCM reserves when custom uses them', () => {
    const custom = {
      from: 1,
      message_type: 2,
      notification: 3,
      'google.x': 4,
      'gcm.y': 5,
      gcm: 6,
      aps: 7,
      fine: 8,
    };
    expect(details(withParameters({ body: 'b', custom }))).toEqual([
      ['$.template.parameters.custom.from', '"from" is a data key reserved by FCM.'],
      [
        '$.template.parameters.custom.message_type',
        '"message_type" is a data key reserved by FCM.',
      ],
      [
        '$.template.parameters.custom.notification',
        '"notification" is a data key reserved by FCM.',
      ],
      ['$.template.parameters.custom.google.x', '"google.x" is a data key reserved by FCM.'],
      ['$.template.parameters.custom.gcm.y', '"gcm.y" is a data key reserved by FCM.'],
      ['$.template.parameters.custom.gcm', '"gcm" is a data key reserved by FCM.'],
      ['$.template.parameters.custom.aps', '"aps" is APNs\'s own key.'],
    ]);
  });

  it('refuses an unknown template name and unknown parameters', () => {
    const body = { template: { name: 'promo', parameters: { body: 'b', alert: 'x' } } };
    expect(details(body)).toEqual([
      ['$.template.name', 'Unknown template name; the only one is "#default".'],
      ['$.template.parameters', 'Unrecognized key: "alert"'],
    ]);
  });

  it('lists every bad template field at once when several are wrong', () => {
    const body = withParameters({ title: 'T', badge: '3', sound: 'a.mp3', custom: { from: 'x' } });
    expect(paths(body)).toEqual([
      '$.template.parameters.badge',
      '$.template.parameters.sound',
      '$.template.parameters.custom.from',
      '$.template.parameters.body',
    ]);
  });

  it('requires an aps dictionary when the unified payload has an apns section', () => {
    expect(details(withServices({ apns: { alert: 'x' } }))).toEqual([
      ['$.payload.services.apns.aps', 'An APNS payload needs an aps dictionary.'],
    ]);
    expect(paths(withServices({ apns: { aps: [] } }))).toEqual(['$.payload.services.apns.aps']);
    expect(paths(withServices({ apns: 'x' }))).toEqual(['$.payload.services.apns']);
  });

  it('refuses an FCM section without notification or data, or with fields not ours to set', () => {
    expect(details(withServices({ fcm: {} }))).toEqual([
      ['$.payload.services.fcm', 'An FCM message needs a notification or data object.'],
    ]);
    const fcm = {
      token: 't',
      priority: 'high',
      notification: { title: 1, sound: 'x' },
      data: { 'google.c': 'x' },
      android: { ttl: 3600, data: { from: 'x' } },
    };
    expect(details(withServices({ fcm }))).toEqual([
      ['$.payload.services.fcm.token', 'token is set by the service for each device.'],
      ['$.payload.services.fcm.priority', 'priority is not a field of an FCM message.'],
      ['$.payload.services.fcm.notification.title', 'title must be a string.'],
      [
        '$.payload.services.fcm.notification.sound',
        'sound is not a field of notification (title, body, image).',
      ],
      [
        '$.payload.services.fcm.android.ttl',
        'ttl must be a duration string of at most 4 weeks, e.g. "3600s".',
      ],
      ['$.payload.services.fcm.data.google.c', '"google.c" is a data key reserved by FCM.'],
      ['$.payload.services.fcm.android.data.from', '"from" is a data key reserved by FCM.'],
    ]);
  });

  it.each([
    ['<toast><visual></toast>', 'The WNS payload is not well-formed XML.'],
    ['<tost/>', "The WNS payload's root element is tost; toast, tile or badge expected."],
    [
      { type: 'toast', body: 'x' },
      'wns must be an XML string (toast, tile or badge) or {"type": "raw", "body": string}.',
    ],
  ])('refuses the WNS section %j when it cannot be sent', (wns, title) => {
    expect(details(withServices({ wns }))).toEqual([['$.payload.services.wns', title]]);
  });

  it('refuses an empty syniverse text and an unknown service', () => {
    expect(paths(withServices({ syniverse: '', gcm: {} })).sort()).toEqual([
      '$.payload.services',
      '$.payload.services.syniverse',
    ]);
  });
});
