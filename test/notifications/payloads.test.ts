/**
 * End-to-end payload goldens (api-contract.md, Notifications and Payload limits): what each sandbox
 * provider receives for every content rule, and what is refused before anything is stored.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  asAdmin,
  type Demo,
  errorPaths,
  expectProblem,
  hexToken,
  NOTIFICATIONS,
  randomDigits,
  register,
  type SandboxRecord,
  sandboxRequests,
  seed,
  sendAndWait,
} from '../helpers';

const TOAST = '<toast><visual><binding template="ToastGeneric">';

type Devices = { user: string; apns: string; fcm: string; channel: string; phone: string };

/** One device per provider for a fresh user; tokens avoid the sandbox fault patterns. */
async function devicesOfEveryProvider(demo: Demo, fcmToken?: string): Promise<Devices> {
  const run = crypto.randomUUID().slice(0, 8);
  const devices = {
    user: `payload-${run}`,
    apns: hexToken('a'),
    fcm: fcmToken ?? `fcm-${run}-token`,
    channel: `ch-${run}`,
    phone: `+1415${randomDigits(6)}1`,
  };
  const user = devices.user;
  await register(
    demo,
    { platform: 'IOS', token: devices.apns, user },
    { platform: 'ANDROID', token: devices.fcm, user },
    { platform: 'WINDOWS', token: `${env.SANDBOX_URL}/wns/?token=${devices.channel}`, user },
    { platform: 'ANDROID', token: devices.phone, provider: 'SYNIVERSE', user },
  );
  return devices;
}

type Received = { APNS?: SandboxRecord; FCM?: SandboxRecord; WNS?: SandboxRecord; SMS?: string };

/** What each sandbox provider received for `devices`, after checking it answered 200 once. */
async function received(devices: Devices): Promise<Received> {
  const one = async (token: string, provider: string) => {
    const records = await sandboxRequests(token, provider);
    expect(records.map((r) => r.status)).toEqual(records.length > 0 ? [200] : []);
    return records[0];
  };
  const sms = await one(devices.phone, 'SYNIVERSE');
  if (sms) {
    expect(JSON.parse(sms.body)).toMatchObject({
      from: `sender_id:${env.SANDBOX_CREDENTIALS.syniverse.senderId}`,
      to: [devices.phone],
    });
  }
  return {
    APNS: await one(devices.apns, 'APNS'),
    FCM: await one(devices.fcm, 'FCM'),
    WNS: await one(`token=${devices.channel}`, 'WNS'),
    SMS: sms ? JSON.parse(sms.body).body : undefined,
  };
}

/** Sends `body` to the user's four devices and returns what the providers received. */
async function sendToAll(demo: Demo, devices: Devices, body: object): Promise<Received> {
  const final = await sendAndWait(demo, { ...body, users: [devices.user] });
  expect(final).toMatchObject({ status: 'Sent' });
  return received(devices);
}

const fcmBody = (message: object, token: string) =>
  JSON.stringify({ message: { ...message, token } });

describe('POST notifications payload goldens', () => {
  it('sends plain text in each provider’s own format when the message is text', async () => {
    const demo = await seed();
    const devices = await devicesOfEveryProvider(demo);
    const got = await sendToAll(demo, devices, { message: 'Hi "Ann" <3 & €5' });

    expect(got.APNS?.body).toBe('{"aps":{"alert":"Hi \\"Ann\\" <3 & €5"}}');
    expect(got.FCM?.body).toBe(
      fcmBody({ notification: { body: 'Hi "Ann" <3 & €5' } }, devices.fcm),
    );
    expect(got.WNS?.body).toBe(
      `${TOAST}<text>Hi &quot;Ann&quot; &lt;3 &amp; €5</text></binding></visual></toast>`,
    );
    expect(got.WNS?.headers['x-wns-type']).toBe('wns/toast');
    expect(got.SMS).toBe('Hi "Ann" <3 & €5');
  });

  it('passes a JSON message on as each provider’s payload when it is a JSON object', async () => {
    const demo = await seed();
    const devices = await devicesOfEveryProvider(demo);
    const apnsMessage = '{"aps": {"alert": "Hi", "badge": 0}, "orderId": 7}';
    const fcmMessage = '{"notification": {"title": "T"}, "data": {"n": 3, "tags": ["a"]}}';
    const rawMessage = '{"sync": true}';
    for (const [provider, message] of [
      ['APNS', apnsMessage],
      ['FCM', fcmMessage],
      ['WNS', rawMessage],
      ['SYNIVERSE', rawMessage],
    ]) {
      const final = await sendAndWait(demo, { message, provider, users: [devices.user] });
      expect(final).toMatchObject({ status: 'Sent', deviceCount: 1 });
    }
    const got = await received(devices);

    expect(got.APNS?.body).toBe('{"aps":{"alert":"Hi","badge":0},"orderId":7}');
    expect(got.FCM?.body).toBe(
      fcmBody({ notification: { title: 'T' }, data: { n: '3', tags: '["a"]' } }, devices.fcm),
    );
    expect(got.WNS?.body).toBe(rawMessage);
    expect(got.WNS?.headers['x-wns-type']).toBe('wns/raw');
    expect(got.WNS?.headers['content-type']).toBe('application/octet-stream');
    expect(got.SMS).toBe(rawMessage);
  });

  it('makes body the alert, notification, toast and SMS when it is alone', async () => {
    const demo = await seed();
    const devices = await devicesOfEveryProvider(demo);
    const template = { name: '#default', parameters: { body: 'Your order shipped' } };
    const got = await sendToAll(demo, devices, { template });

    expect(got.APNS?.body).toBe('{"aps":{"alert":"Your order shipped"}}');
    expect(got.FCM?.body).toBe(
      fcmBody({ notification: { body: 'Your order shipped' } }, devices.fcm),
    );
    expect(got.WNS?.body).toBe(
      `${TOAST}<text>Your order shipped</text></binding></visual></toast>`,
    );
    expect(got.SMS).toBe('Your order shipped');
  });

  it('translates title, body, badge 0, sound and custom when the template has all', async () => {
    const demo = await seed();
    const devices = await devicesOfEveryProvider(demo);
    const parameters = {
      title: 'Sale',
      body: 'Today only',
      badge: 0,
      sound: 'chime.wav',
      custom: { key1: 'value1', key2: 'value2', key3: ['value3.1', 'value3.2'], n: 2, gone: null },
    };
    const got = await sendToAll(demo, devices, { template: { name: '#default', parameters } });

    expect(got.APNS?.body).toBe(
      '{"aps":{"alert":{"title":"Sale","body":"Today only"},"badge":0,"sound":"chime.wav"},' +
        '"key1":"value1","key2":"value2","key3":["value3.1","value3.2"],"n":2,"gone":null}',
    );
    expect(got.FCM?.body).toBe(
      '{"message":{"notification":{"title":"Sale","body":"Today only"},"data":{"key1":"value1",' +
        '"key2":"value2","key3":"[\\"value3.1\\",\\"value3.2\\"]","n":"2"},"android":' +
        `{"notification":{"sound":"chime.wav"}},"token":"${devices.fcm}"}}`,
    );
    expect(got.WNS?.body).toBe(
      `${TOAST}<text>Sale</text><text>Today only</text></binding></visual>` +
        '<audio src="ms-appx:///chime.wav"/></toast>',
    );
    expect(got.SMS).toBe('Sale: Today only');
  });

  it('sends each unified section as given when the payload has all four', async () => {
    const demo = await seed();
    const devices = await devicesOfEveryProvider(demo);
    const tile =
      '<tile><visual><binding template="TileMedium"><text>3 new</text></binding></visual></tile>';
    const services = {
      apns: { aps: { alert: { title: 'A', body: 'B' }, 'mutable-content': 1 }, id: 'x1' },
      fcm: { data: { n: 1, ok: true }, android: { priority: 'high', ttl: '60s' } },
      wns: tile,
      syniverse: 'Code 1234',
    };
    const got = await sendToAll(demo, devices, { payload: { services }, message: 'unused' });

    expect(got.APNS?.body).toBe(
      '{"aps":{"alert":{"title":"A","body":"B"},"mutable-content":1},"id":"x1"}',
    );
    expect(got.APNS?.headers['apns-push-type']).toBe('alert');
    expect(got.FCM?.body).toBe(
      fcmBody(
        { data: { n: '1', ok: 'true' }, android: { priority: 'high', ttl: '60s' } },
        devices.fcm,
      ),
    );
    expect(got.WNS?.body).toBe(tile);
    expect(got.WNS?.headers['x-wns-type']).toBe('wns/tile');
    expect(got.WNS?.headers['content-type']).toBe('text/xml');
    expect(got.SMS).toBe('Code 1234');
  });

  it('sends a WNS badge, raw WNS and a silent APNs push when the payload asks', async () => {
    const demo = await seed();
    const devices = await devicesOfEveryProvider(demo);
    const silent = { aps: { 'content-available': 1 }, job: 'sync' };
    for (const wns of ['<badge value="7"/>', { type: 'raw', body: 'ping' }]) {
      const final = await sendAndWait(demo, {
        payload: { services: { wns, apns: silent } },
        provider: 'WNS',
        users: [devices.user],
      });
      expect(final).toMatchObject({ status: 'Sent', deviceCount: 1 });
    }
    const final = await sendAndWait(demo, {
      payload: { services: { apns: silent } },
      provider: 'APNS',
      users: [devices.user],
    });
    expect(final).toMatchObject({ status: 'Sent', deviceCount: 1 });

    const wns = await sandboxRequests(`token=${devices.channel}`, 'WNS');
    expect(wns.map((r) => [r.status, r.headers['x-wns-type'], r.body])).toEqual([
      [200, 'wns/badge', '<badge value="7"/>'],
      [200, 'wns/raw', 'ping'],
    ]);
    const got = await received({ ...devices, channel: 'none' });
    expect(got.APNS?.body).toBe('{"aps":{"content-available":1},"job":"sync"}');
    expect(got.APNS?.headers).toMatchObject({
      'apns-push-type': 'background',
      'apns-priority': '5',
    });
  });

  it('takes unified, else template, else message per provider when all are given', async () => {
    const demo = await seed();
    const devices = await devicesOfEveryProvider(demo);
    const got = await sendToAll(demo, devices, {
      message: 'From the message',
      template: { name: '#default', parameters: { badge: 4 } },
      payload: { services: { syniverse: 'From unified' } },
    });

    expect(got.APNS?.body).toBe('{"aps":{"badge":4}}');
    expect(got.FCM?.body).toBe(
      fcmBody({ notification: { body: 'From the message' } }, devices.fcm),
    );
    expect(got.WNS?.body).toBe(`${TOAST}<text>From the message</text></binding></visual></toast>`);
    expect(got.SMS).toBe('From unified');
  });

  it('counts a device failed with the reason when its provider has nothing to send', async () => {
    const demo = await seed();
    const devices = await devicesOfEveryProvider(demo);
    const final = await sendAndWait(demo, {
      template: { name: '#default', parameters: { badge: 1 } },
      users: [devices.user],
    });

    expect(final).toMatchObject({ status: 'Warning', deviceCount: 4, successCount: 1 });
    expect(String(final.errorMessage)).toMatch(/^Nothing to send for (FCM|WNS|SYNIVERSE)/);
    expect((await received(devices)).APNS?.body).toBe('{"aps":{"badge":1}}');
  });
});

describe('POST notifications payload limits', () => {
  it('accepts 1351 euro signs in an APNs alert and refuses 1352 naming 4097 bytes', async () => {
    const demo = await seed();
    const devices = await devicesOfEveryProvider(demo);
    const apns = (n: number) => ({ aps: { alert: { title: 'T', body: '€'.repeat(n) } } });
    const body = (n: number) => ({
      payload: { services: { apns: apns(n) } },
      provider: 'APNS',
      users: [devices.user],
    });

    await sendAndWait(demo, body(1351));
    const got = await received(devices);
    expect(new TextEncoder().encode(got.APNS?.body).byteLength).toBe(4094);
    expect(got.APNS?.body).toBe(JSON.stringify(apns(1351)));

    const before = await storedCount();
    const res = await asAdmin(demo, NOTIFICATIONS, { body: body(1352) });
    const problem = await expectProblem(res, 400, NOTIFICATIONS);
    expect(problem).toMatchObject({
      'o:errorCode': 'PAYLOAD_TOO_LARGE',
      detail: 'The APNS payload is 4097 bytes; the limit is 4096.',
      'o:errorDetails': [
        {
          title: 'The APNS payload is 4097 bytes; the limit is 4096.',
          'o:errorCode': 'PAYLOAD_TOO_LARGE',
          'o:errorPath': '$.payload.services.apns',
        },
      ],
    });
    expect(await storedCount()).toBe(before);
    expect(await sandboxRequests(devices.apns, 'APNS')).toHaveLength(1);
  });

  it('delivers FCM, WNS and SMS payloads when they are exactly at their limit', async () => {
    const demo = await seed();
    const run = crypto.randomUUID().slice(0, 8);
    const token = `fcm-${run}-`.padEnd(256, 'x');
    const devices = await devicesOfEveryProvider(demo, token);
    const fcmFrame = JSON.stringify({ notification: { body: '' }, token }).length;
    const wnsFrame = `${TOAST}<text></text></binding></visual></toast>`.length;
    const send = (provider: string, body: object) =>
      sendAndWait(demo, { ...body, provider, users: [devices.user] });

    await send('FCM', {
      payload: { services: { fcm: { notification: { body: 'f'.repeat(4096 - fcmFrame) } } } },
    });
    await send('WNS', { message: 'w'.repeat(5000 - wnsFrame) });
    await send('SYNIVERSE', { message: `${'€'.repeat(333)}s` });
    const got = await received(devices);

    expect(JSON.stringify(JSON.parse(got.FCM?.body ?? '').message)).toHaveLength(4096);
    expect(got.WNS?.body).toHaveLength(5000);
    expect(new TextEncoder().encode(got.SMS).byteLength).toBe(1000);

    const over = await asAdmin(demo, NOTIFICATIONS, {
      body: { message: 'w'.repeat(5001 - wnsFrame), provider: 'WNS' },
    });
    expect((await expectProblem(over, 400, NOTIFICATIONS)).detail).toBe(
      'The WNS payload is 5001 bytes; the limit is 5000.',
    );
  });
});

describe('POST notifications payload validation', () => {
  it('refuses each payload rule with the JSON paths at fault and stores nothing', async () => {
    const demo = await seed();
    const before = await storedCount();
    const template = (parameters: object, name = '#default') => ({
      template: { name, parameters },
    });
    const services = (s: object) => ({ payload: { services: s } });
    const cases: [object, string[]][] = [
      [template({ title: 'T' }), ['$.template.parameters.body']],
      [template({ body: 'b', badge: -1 }), ['$.template.parameters.badge']],
      [template({ body: 'b', badge: '3' }), ['$.template.parameters.badge']],
      [template({ body: 'b', sound: 'chime.mp3' }), ['$.template.parameters.sound']],
      [
        template({ body: 'b', custom: { from: 1, 'google.c': 2, ok: 3 } }),
        ['$.template.parameters.custom.from', '$.template.parameters.custom.google.c'],
      ],
      [template({ body: 'b' }, 'promo'), ['$.template.name']],
      [services({ apns: { alert: 'x' } }), ['$.payload.services.apns.aps']],
      [services({ fcm: { android: {} } }), ['$.payload.services.fcm']],
      [
        services({ fcm: { data: { gcm: 'x' }, token: 't' } }),
        ['$.payload.services.fcm.data.gcm', '$.payload.services.fcm.token'],
      ],
      [services({ wns: '<toast><visual></toast>' }), ['$.payload.services.wns']],
      [services({ wns: '<foo/>' }), ['$.payload.services.wns']],
      [{ message: '{"aps": {"alert": "x"}}' }, ['$.message']],
      [{ ...template({ badge: 1 }), provider: 'FCM' }, ['$.template.parameters']],
      [
        { ...template({ title: 'T', badge: -1 }), ...services({ apns: {}, syniverse: '' }) },
        [
          '$.payload.services.apns.aps',
          '$.payload.services.syniverse',
          '$.template.parameters.badge',
          '$.template.parameters.body',
        ],
      ],
    ];
    for (const [body, paths] of cases) {
      const res = await asAdmin(demo, NOTIFICATIONS, { body });
      const problem = await expectProblem(res, 400, NOTIFICATIONS);
      expect(errorPaths(problem), JSON.stringify(body)).toEqual(paths);
    }
    expect(await storedCount()).toBe(before);
  });

  it('explains a JSON message that does not fit FCM when no filter narrows it', async () => {
    const demo = await seed();
    const res = await asAdmin(demo, NOTIFICATIONS, {
      body: { message: '{"aps": {"alert": "x"}}' },
    });
    const problem = await expectProblem(res, 400, NOTIFICATIONS);
    expect(problem.detail).toBe(
      '$.message is not a valid FCM payload: aps: aps is not a field of an FCM message.; ' +
        'An FCM message needs a notification or data object.',
    );
  });
});

describe('smsSegments', () => {
  it.each([
    ['two GSM-7 segments when the text is 161 letters', 'a'.repeat(161), 2],
    ['three UCS-2 segments when the text is 70 emoji', '😎'.repeat(70), 3],
    ['one UCS-2 segment when a typographic apostrophe forces UCS-2', 'It’s here', 1],
  ])('reports %s', async (_, message, segments) => {
    const demo = await seed();
    const res = await asAdmin(demo, NOTIFICATIONS, { body: { message, users: ['nobody'] } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: number; smsSegments?: number };
    expect(created.smsSegments).toBe(segments);
    const read = await asAdmin(demo, `${NOTIFICATIONS}/${created.id}`);
    expect(((await read.json()) as { smsSegments?: number }).smsSegments).toBe(segments);
  });

  it('leaves smsSegments out when SMS cannot be a target or has no text', async () => {
    const demo = await seed();
    for (const body of [
      { message: 'hi', provider: 'APNS' },
      { payload: { services: { apns: { aps: { alert: 'x' } } } } },
    ]) {
      const res = await asAdmin(demo, NOTIFICATIONS, { body: { ...body, users: ['nobody'] } });
      expect(res.status).toBe(201);
      expect(await res.json()).not.toHaveProperty('smsSegments');
    }
  });
});

async function storedCount(): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM notifications').first<{
    n: number;
  }>();
  return row?.n ?? 0;
}
