/** Golden payloads per provider for each content rule (api-contract.md, Notifications). */
import { describe, expect, it } from 'vitest';
import { type Composed, composeFor } from '../../src/payload/compose';
import type { NotificationContent, Template } from '../../src/payload/schemas';
import { PROVIDERS, type Provider } from '../../src/providers/types';

/** What the provider receives, as text: the body, the FCM message JSON, or the SMS text. */
function wire(composed: Composed): string {
  if (!composed.ok) return `${composed.problem}: ${composed.reason}`;
  const { payload } = composed;
  switch (payload.provider) {
    case 'APNS':
      return `${payload.pushType}/${payload.priority} ${payload.body}`;
    case 'FCM':
      return JSON.stringify(payload.message);
    case 'WNS':
      return `${payload.wnsType} ${payload.body}`;
    case 'SYNIVERSE':
      return payload.text;
  }
}

function wires(content: NotificationContent): Record<Provider, string> {
  return Object.fromEntries(PROVIDERS.map((p) => [p, wire(composeFor(p, content))])) as Record<
    Provider,
    string
  >;
}

const template = (parameters: Template['parameters']): Template => ({
  name: '#default',
  parameters,
});

const TOAST = '<toast><visual><binding template="ToastGeneric">';
const END = '</binding></visual></toast>';
const NOTHING = (provider: Provider, key: string) =>
  `empty: Nothing to send for ${provider}: no payload.services.${key}, and neither the ` +
  'template nor a message has content for it.';

describe('composeFor with a message', () => {
  it('sends text in each provider’s text field when the message is not a JSON object', () => {
    expect(wires({ message: 'Sale <today> & tomorrow' })).toEqual({
      APNS: 'alert/10 {"aps":{"alert":"Sale <today> & tomorrow"}}',
      FCM: '{"notification":{"body":"Sale <today> & tomorrow"}}',
      WNS: `wns/toast ${TOAST}<text>Sale &lt;today&gt; &amp; tomorrow</text>${END}`,
      SYNIVERSE: 'Sale <today> & tomorrow',
    });
  });

  it('treats JSON as plain text when the message is an array or a number', () => {
    expect(wire(composeFor('APNS', { message: '[1,2]' }))).toBe(
      'alert/10 {"aps":{"alert":"[1,2]"}}',
    );
    expect(wire(composeFor('FCM', { message: '42' }))).toBe('{"notification":{"body":"42"}}');
  });

  it('passes a JSON object on as the APNs payload when it has an aps dictionary', () => {
    const message = '{ "aps": { "alert": "Hi", "badge": 0 }, "orderId": 7 }';
    expect(wire(composeFor('APNS', { message }))).toBe(
      'alert/10 {"aps":{"alert":"Hi","badge":0},"orderId":7}',
    );
  });

  it('uses a JSON object as the FCM message, data as strings, when it has data', () => {
    const message = '{"data": {"n": 3, "ok": true, "list": [1, "a"], "none": null, "s": "x"}}';
    expect(wire(composeFor('FCM', { message }))).toBe(
      '{"data":{"n":"3","ok":"true","list":"[1,\\"a\\"]","s":"x"}}',
    );
  });

  it('sends a JSON object as raw WNS and as SMS text when the message is one', () => {
    const message = '{"aps": {"alert": "Hi"}}';
    expect(wire(composeFor('WNS', { message }))).toBe(`wns/raw ${message}`);
    expect(wire(composeFor('SYNIVERSE', { message }))).toBe(message);
  });

  it('reports the message invalid when a JSON object lacks what APNs or FCM needs', () => {
    expect(wire(composeFor('APNS', { message: '{"notification": {"body": "x"}}' }))).toBe(
      'invalid: $.message is not a valid APNS payload: aps: An APNS payload needs an aps ' +
        'dictionary.',
    );
    expect(wire(composeFor('FCM', { message: '{"aps": {"alert": "x"}}' }))).toBe(
      'invalid: $.message is not a valid FCM payload: aps: aps is not a field of an FCM ' +
        'message.; An FCM message needs a notification or data object.',
    );
  });
});

describe('composeFor with the #default template', () => {
  it('makes body the alert string, notification body, toast text and SMS when it is alone', () => {
    expect(wires({ template: template({ body: 'Your order shipped' }) })).toEqual({
      APNS: 'alert/10 {"aps":{"alert":"Your order shipped"}}',
      FCM: '{"notification":{"body":"Your order shipped"}}',
      WNS: `wns/toast ${TOAST}<text>Your order shipped</text></binding></visual></toast>`,
      SYNIVERSE: 'Your order shipped',
    });
  });

  it('translates title, body, badge 0, sound and custom exactly when all are given', () => {
    const custom = {
      key1: 'value1',
      key2: 'value2',
      key3: ['value3.1', 'value3.2'],
      count: 5,
      flag: false,
      nested: { a: 1 },
      gone: null,
    };
    const content = {
      template: template({
        title: 'Sale',
        body: 'Today only',
        badge: 0,
        sound: 'chime.wav',
        custom,
      }),
    };
    expect(wires(content)).toEqual({
      APNS:
        'alert/10 {"aps":{"alert":{"title":"Sale","body":"Today only"},"badge":0,' +
        '"sound":"chime.wav"},"key1":"value1","key2":"value2","key3":["value3.1","value3.2"],' +
        '"count":5,"flag":false,"nested":{"a":1},"gone":null}',
      FCM:
        '{"notification":{"title":"Sale","body":"Today only"},"data":{"key1":"value1",' +
        '"key2":"value2","key3":"[\\"value3.1\\",\\"value3.2\\"]","count":"5","flag":"false",' +
        '"nested":"{\\"a\\":1}"},"android":{"notification":{"sound":"chime.wav"}}}',
      WNS:
        `wns/toast ${TOAST}<text>Sale</text><text>Today only</text></binding></visual>` +
        '<audio src="ms-appx:///chime.wav"/></toast>',
      SYNIVERSE: 'Sale: Today only',
    });
  });

  it('gives FCM the issue’s custom case as string data when custom holds an array', () => {
    const custom = { key1: 'value1', key2: 'value2', key3: ['value3.1', 'value3.2'] };
    const composed = composeFor('FCM', { template: template({ body: 'b', custom }) });
    expect(
      composed.ok && composed.payload.provider === 'FCM' && composed.payload.message.data,
    ).toEqual({ key1: 'value1', key2: 'value2', key3: '["value3.1","value3.2"]' });
  });

  it('keeps the default sound without a WNS audio element when sound is "default"', () => {
    expect(wires({ template: template({ body: 'b', sound: 'default' }) })).toMatchObject({
      APNS: 'alert/10 {"aps":{"alert":"b","sound":"default"}}',
      FCM: '{"notification":{"body":"b"},"android":{"notification":{"sound":"default"}}}',
      WNS: `wns/toast ${TOAST}<text>b</text></binding></visual></toast>`,
    });
  });

  it('sends a badge to APNs only when the template has no body', () => {
    expect(wires({ template: template({ badge: 3 }) })).toEqual({
      APNS: 'alert/10 {"aps":{"badge":3}}',
      FCM: NOTHING('FCM', 'fcm'),
      WNS: NOTHING('WNS', 'wns'),
      SYNIVERSE: NOTHING('SYNIVERSE', 'syniverse'),
    });
  });

  it('falls back to the message for providers the template has nothing for', () => {
    expect(wires({ template: template({ badge: 3 }), message: 'Hello' })).toEqual({
      APNS: 'alert/10 {"aps":{"badge":3}}',
      FCM: '{"notification":{"body":"Hello"}}',
      WNS: `wns/toast ${TOAST}<text>Hello</text></binding></visual></toast>`,
      SYNIVERSE: 'Hello',
    });
  });

  it('gives FCM data only and APNs keys beside an empty aps when only custom is given', () => {
    expect(wires({ template: template({ custom: { id: 9 } }) })).toMatchObject({
      APNS: 'alert/10 {"aps":{},"id":9}',
      FCM: '{"data":{"id":"9"}}',
    });
  });

  it('drops characters XML cannot carry from the toast when the body has controls', () => {
    expect(wire(composeFor('WNS', { template: template({ body: 'a\u0001b\tc' }) }))).toBe(
      `wns/toast ${TOAST}<text>ab\tc</text></binding></visual></toast>`,
    );
  });
});

describe('composeFor with the unified payload', () => {
  it('passes the APNs object on and sends a silent push as background when it is one', () => {
    const apns = { aps: { 'content-available': 1 }, job: 'sync' };
    expect(wire(composeFor('APNS', { payload: { services: { apns } } }))).toBe(
      'background/5 {"aps":{"content-available":1},"job":"sync"}',
    );
  });

  it('makes every FCM map value a string when data, android.data and headers hold others', () => {
    const fcm = {
      notification: { title: 'T' },
      data: { n: 1, s: 's' },
      android: { priority: 'high', data: { x: true } },
      apns: { headers: { 'apns-priority': 5 } },
      webpush: { headers: { TTL: 60 }, data: { list: [1] } },
    };
    expect(wire(composeFor('FCM', { payload: { services: { fcm } } }))).toBe(
      '{"notification":{"title":"T"},"data":{"n":"1","s":"s"},"android":{"priority":"high",' +
        '"data":{"x":"true"}},"apns":{"headers":{"apns-priority":"5"}},"webpush":{"headers":' +
        '{"TTL":"60"},"data":{"list":"[1]"}}}',
    );
  });

  it.each([
    [
      '<tile><visual><binding template="TileMedium"><text>Hi</text></binding></visual></tile>',
      'wns/tile',
    ],
    ['<badge value="5"/>', 'wns/badge'],
    [
      '<?xml version="1.0" encoding="utf-8"?>\n<toast launch="a=1&amp;b=2"><visual/></toast>',
      'wns/toast',
    ],
  ])('sends %s with X-WNS-Type %s when it is the WNS section', (xml, type) => {
    expect(wire(composeFor('WNS', { payload: { services: { wns: xml } } }))).toBe(`${type} ${xml}`);
  });

  it('sends a raw WNS notification when the section is {type: raw}', () => {
    const wns = { type: 'raw' as const, body: '{"sync":true}' };
    expect(wire(composeFor('WNS', { payload: { services: { wns } } }))).toBe(
      'wns/raw {"sync":true}',
    );
  });

  it('sends the syniverse string as the SMS text when it is given', () => {
    const content = { payload: { services: { syniverse: 'Code 1234' } }, message: 'm' };
    expect(wire(composeFor('SYNIVERSE', content))).toBe('Code 1234');
  });

  it('takes each provider from its own source when unified, template and message are mixed', () => {
    const content = {
      message: 'From the message',
      template: template({ badge: 1 }),
      payload: { services: { apns: { aps: { alert: 'From unified' } }, syniverse: 'SMS' } },
    };
    expect(wires(content)).toEqual({
      APNS: 'alert/10 {"aps":{"alert":"From unified"}}',
      FCM: '{"notification":{"body":"From the message"}}',
      WNS: `wns/toast ${TOAST}<text>From the message</text></binding></visual></toast>`,
      SYNIVERSE: 'SMS',
    });
  });

  it('names the field the payload came from when it is composed', () => {
    const content = { message: 'm', template: template({ badge: 1 }), payload: { services: {} } };
    expect(composeFor('APNS', content).path).toBe('$.template');
    expect(composeFor('FCM', content).path).toBe('$.message');
    expect(composeFor('FCM', { payload: { services: { fcm: { data: {} } } } }).path).toBe(
      '$.payload.services.fcm',
    );
  });
});
