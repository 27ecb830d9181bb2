/**
 * Properties over generated notifications: whatever is accepted at POST time fits its provider's
 * limit as the provider counts it, and FCM map values are strings (api-contract.md, Payload
 * limits).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalProvider } from '../../src/devices/tokens';
import { SendNotificationSchema } from '../../src/notifications/schemas';
import { composeFor } from '../../src/payload/compose';
import { stringValues } from '../../src/payload/fcm-message';
import { payloadProblems } from '../../src/payload/problems';
import { targetedProviders } from '../../src/payload/targets';
import { escapeXml, xmlRootName } from '../../src/payload/xml';
import {
  PLATFORMS,
  PROVIDERS,
  type Provider,
  type ProviderPayload,
} from '../../src/providers/types';

/** The contract's limits, written out here so the module's own table is not what is tested. */
const LIMITS: Record<Provider, number> = { APNS: 4096, FCM: 4096, WNS: 5000, SYNIVERSE: 1000 };
const bytes = (text: string) => new TextEncoder().encode(text).byteLength;

/** Characters that cost more than they look: multi-byte, escaped in JSON or XML, surrogates. */
const unit = fc.oneof(
  fc.constantFrom(...'a €😎"\\\n\u0001<&’{é\uffff'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const chunk = fc.string({ unit, minLength: 1, maxLength: 12 });
/** Texts of about `min` to `max` bytes before escaping. */
const sized = (min: number, max: number) =>
  fc
    .tuple(chunk, fc.integer({ min, max }))
    .map(([c, target]) => c.repeat(Math.max(1, Math.floor(target / bytes(c)))));
const text = fc.oneof({ arbitrary: sized(1, 100), weight: 8 }, sized(850, 1100), sized(3600, 5300));
/** A text around a provider's limit, so the accepted side is tested close to it. */
const nearLimit = (provider: Provider) =>
  sized(Math.floor(LIMITS[provider] * 0.8), Math.ceil(LIMITS[provider] * 1.05));

/** Mostly valid values, sometimes one the rules refuse. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: invalid, weight: 1 });

const key = mostly(
  fc.constantFrom('k', 'id', 'list', '__proto__', ''),
  fc.constantFrom('from', 'google.c', 'gcm.x', 'aps', 'notification'),
);
const dataMap = fc.dictionary(key, fc.oneof(text, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 3 });

const template = fc.record({
  name: mostly(fc.constant('#default'), fc.constant('promo')),
  parameters: fc.record(
    {
      title: text,
      body: text,
      badge: mostly(fc.nat(), fc.constantFrom(-1, '3')),
      sound: mostly(fc.constantFrom('default', 'chime.wav'), fc.constant('chime.mp3')),
      custom: dataMap,
    },
    { requiredKeys: [] },
  ),
});

const apns = mostly(
  fc
    .tuple(fc.record({ alert: text, badge: fc.nat() }, { requiredKeys: [] }), dataMap)
    .map(([aps, custom]) => ({ ...custom, aps })),
  dataMap,
);
const fcm = fc.record(
  {
    notification: fc.record({ title: text, body: text }, { requiredKeys: [] }),
    data: dataMap,
    android: fc.record(
      { data: dataMap, priority: mostly(fc.constant('high'), fc.constant('urgent')) },
      { requiredKeys: [] },
    ),
    webpush: fc.record({ data: dataMap, headers: dataMap }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const toast = (t: string) =>
  `<toast><visual><binding template="ToastGeneric"><text>${escapeXml(t)}</text></binding>` +
  '</visual></toast>';
const wns = mostly(
  fc.oneof(
    text.map(toast),
    text.map((body) => ({ type: 'raw', body })),
    fc.constant('<badge value="3"/>'),
  ),
  text,
);

const request = fc.record(
  {
    message: fc.oneof(
      text,
      fcm.map((m) => JSON.stringify(m)),
      apns.map((a) => JSON.stringify(a)),
    ),
    template,
    payload: fc.record({
      services: fc.record({ apns, fcm, wns, syniverse: text }, { requiredKeys: [] }),
    }),
    provider: fc.constantFrom(...PROVIDERS, 'GCM', undefined),
    platform: fc.constantFrom(...PLATFORMS),
  },
  { requiredKeys: ['provider'] },
);

/** A request for one provider whose one big text is near that provider's limit. */
const sizedRequest = fc.constantFrom(...PROVIDERS).chain((provider) => {
  const big = nearLimit(provider);
  const small = sized(1, 40);
  const services = {
    APNS: fc
      .tuple(big, fc.dictionary(fc.constantFrom('k', 'id'), small))
      .map(([alert, custom]) => ({ apns: { aps: { alert }, ...custom } })),
    FCM: fc.oneof(
      fc.tuple(small, big).map(([title, body]) => ({ fcm: { notification: { title, body } } })),
      fc.tuple(big, fc.nat()).map(([k, n]) => ({ fcm: { data: { k, n } } })),
    ),
    WNS: fc.oneof(
      big.map((t) => ({ wns: toast(t) })),
      big.map((body) => ({ wns: { type: 'raw', body } })),
    ),
    SYNIVERSE: big.map((syniverse) => ({ syniverse })),
  }[provider];
  const parameters = fc.record(
    { title: small, body: big, badge: fc.nat(), sound: fc.constant('chime.wav'), custom: dataMap },
    { requiredKeys: ['body'] },
  );
  return fc
    .oneof(
      fc.record({ message: big }),
      fc.record({ template: fc.record({ name: fc.constant('#default'), parameters }) }),
      fc.record({ payload: fc.record({ services }) }),
    )
    .map((content) => ({ ...content, provider }));
});

/** FCM registration tokens: up to the reserve the module keeps for them. */
const fcmToken = fc.string({
  unit: fc.constantFrom(...'abcXYZ0189-_:'),
  minLength: 1,
  maxLength: 256,
});

/** The size the provider checks: the body as the client sends it and the sandbox reads it. */
function countedBytes(payload: ProviderPayload, token: string): number {
  switch (payload.provider) {
    case 'APNS':
    case 'WNS':
      return bytes(payload.body);
    case 'FCM': {
      const sent = JSON.stringify({ message: { ...payload.message, token } });
      return bytes(JSON.stringify(JSON.parse(sent).message));
    }
    case 'SYNIVERSE': {
      const sent = JSON.stringify({
        from: 'sender_id:x',
        to: ['+14155550123'],
        body: payload.text,
      });
      return bytes(JSON.parse(sent).body);
    }
  }
}

function stringMaps(message: Record<string, unknown>): unknown[] {
  const block = (name: string) => (message[name] ?? {}) as Record<string, unknown>;
  return [message.data, block('android').data, block('webpush').data, block('webpush').headers];
}

describe('accepted notifications', () => {
  it('never produce a body over the limit or a non-string FCM value when generated', () => {
    const close: Record<Provider, number> = { APNS: 0, FCM: 0, WNS: 0, SYNIVERSE: 0 };
    fc.assert(
      fc.property(fc.oneof(request, sizedRequest), fcmToken, (body, token) => {
        const parsed = SendNotificationSchema.safeParse(body);
        if (!parsed.success) return;
        const { sendOn: _, provider, ...fields } = parsed.data;
        const stored = {
          ...fields,
          ...(provider ? { provider: canonicalProvider(provider) } : {}),
        };
        const targets = targetedProviders(stored);
        if (payloadProblems(stored, targets).length > 0) return;

        for (const target of targets) {
          const composed = composeFor(target, stored);
          if (!composed.ok) {
            expect(composed.problem).toBe('empty');
            continue;
          }
          const { payload } = composed;
          const size = countedBytes(payload, token);
          expect(size).toBeLessThanOrEqual(LIMITS[target]);
          if (size > LIMITS[target] * 0.9) close[target] += 1;
          if (payload.provider === 'FCM') {
            for (const map of stringMaps(payload.message)) {
              for (const value of Object.values(map ?? {})) expect(typeof value).toBe('string');
            }
          }
          if (payload.provider === 'WNS' && payload.wnsType !== 'wns/raw') {
            expect(`wns/${xmlRootName(payload.body)}`).toBe(payload.wnsType);
          }
        }
      }),
      { numRuns: 1000 },
    );
    for (const provider of PROVIDERS) expect(close[provider]).toBeGreaterThan(0);
  });
});

/** XML 1.0 §2.2 Char, the characters a toast can carry. */
const XML_CHAR = /[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** The body each provider gets for a plain-text message (FCM: with a 256-byte token). */
const PLAIN: Record<Provider, (message: string) => string> = {
  APNS: (m) => JSON.stringify({ aps: { alert: m } }),
  FCM: (m) => JSON.stringify({ notification: { body: m }, token: 'x'.repeat(256) }),
  WNS: (m) => toast([...m].filter((c) => XML_CHAR.test(c)).join('')),
  SYNIVERSE: (m) => m,
};

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

describe('composeFor limits', () => {
  it('refuses a plain message exactly when the provider would count it over its limit', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...PROVIDERS), (message, provider) => {
        fc.pre(!isJsonObject(message));
        const expected = PLAIN[provider](message);
        const composed = composeFor(provider, { message });
        expect(composed.ok).toBe(bytes(expected) <= LIMITS[provider]);
        if (
          composed.ok &&
          (composed.payload.provider === 'APNS' || composed.payload.provider === 'WNS')
        ) {
          expect(composed.payload.body).toBe(expected);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('stringValues', () => {
  it('gives strings only, keeps strings and round-trips other values when data is any JSON', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (data) => {
        const out = stringValues(data);
        for (const [k, value] of Object.entries(data)) {
          if (value === null) expect(Object.hasOwn(out, k)).toBe(false);
          else if (typeof value === 'string') expect(out[k]).toBe(value);
          else expect(JSON.parse(out[k] ?? 'null')).toEqual(JSON.parse(JSON.stringify(value)));
        }
        for (const value of Object.values(out)) expect(typeof value).toBe('string');
      }),
    );
  });
});
