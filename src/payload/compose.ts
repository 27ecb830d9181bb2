/**
 * Turns a notification's content into each provider's wire payload (api-contract.md,
 * Notifications): the unified payload section if present, else the #default template, else the
 * message. Pure; sizes are checked against PAYLOAD_LIMITS.
 */
import type { Provider, ProviderPayload } from '../providers/types';
import { PAYLOAD_LIMITS, wireBytes } from './limits';
import type { NotificationContent, Template } from './schemas';

export type Composed =
  | { ok: true; payload: ProviderPayload }
  | { ok: false; problem: 'empty' | 'too-large'; reason: string };

export function composeFor(provider: Provider, content: NotificationContent): Composed {
  const payload = fromUnified(provider, content) ?? fromTemplate(provider, content.template);
  const composed = payload ?? fromMessage(provider, content.message);
  if (!composed) return { ok: false, problem: 'empty', reason: `Nothing to send for ${provider}.` };
  const bytes = wireBytes(composed);
  const limit = PAYLOAD_LIMITS[provider];
  if (bytes > limit) {
    return {
      ok: false,
      problem: 'too-large',
      reason: `The ${provider} payload is ${bytes} bytes; the limit is ${limit}.`,
    };
  }
  return { ok: true, payload: composed };
}

function fromUnified(provider: Provider, content: NotificationContent): ProviderPayload | null {
  const services = content.payload?.services;
  if (!services) return null;
  switch (provider) {
    case 'APNS':
      return services.apns ? apns(services.apns) : null;
    case 'FCM':
      return services.fcm ? { provider, message: fcmMessage(services.fcm) } : null;
    case 'WNS':
      if (services.wns === undefined) return null;
      return typeof services.wns === 'string'
        ? { provider, wnsType: wnsTypeOf(services.wns), body: services.wns }
        : { provider, wnsType: 'wns/raw', body: services.wns.body };
    case 'SYNIVERSE':
      return services.syniverse !== undefined ? { provider, text: services.syniverse } : null;
  }
}

function fromTemplate(provider: Provider, template: Template | undefined): ProviderPayload | null {
  if (!template) return null;
  const { title, body, badge, sound, custom } = template.parameters;
  switch (provider) {
    case 'APNS': {
      const alert = title !== undefined ? { title, body } : body;
      const aps = { alert, badge, sound };
      return apns({ ...custom, aps });
    }
    case 'FCM': {
      const notification = { title, body, sound };
      const data = custom ? stringValues(custom) : undefined;
      return { provider, message: { notification, data } };
    }
    case 'WNS':
      return { provider, wnsType: 'wns/toast', body: toastXml([title, body], sound) };
    case 'SYNIVERSE':
      if (body === undefined) return null;
      return { provider, text: title !== undefined ? `${title}: ${body}` : body };
  }
}

function fromMessage(provider: Provider, message: string | undefined): ProviderPayload | null {
  if (message === undefined) return null;
  const object = parseObject(message);
  switch (provider) {
    case 'APNS':
      return apns(object ?? { aps: { alert: message } });
    case 'FCM':
      return {
        provider,
        message: object ? fcmMessage(object) : { notification: { body: message } },
      };
    case 'WNS':
      return object
        ? { provider, wnsType: 'wns/raw', body: message }
        : { provider, wnsType: 'wns/toast', body: toastXml([message]) };
    case 'SYNIVERSE':
      return { provider, text: message };
  }
}

function apns(object: Record<string, unknown>): ProviderPayload {
  const aps = (object.aps ?? {}) as Record<string, unknown>;
  const silent = aps['content-available'] === 1 && !aps.alert && !aps.sound && !aps.badge;
  return {
    provider: 'APNS',
    body: JSON.stringify(object),
    pushType: silent ? 'background' : 'alert',
    priority: silent ? 5 : 10,
  };
}

function fcmMessage(object: Record<string, unknown>): Record<string, unknown> {
  const { data, ...rest } = object;
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    return { ...rest, data: stringValues(data as Record<string, unknown>) };
  }
  return rest;
}

/** FCM `data` values must be strings: numbers/booleans stringified, objects as compact JSON. */
export function stringValues(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

function parseObject(text: string): Record<string, unknown> | null {
  if (!text.trimStart().startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

function toastXml(texts: (string | undefined)[], sound?: string): string {
  const lines = texts.filter((t): t is string => t !== undefined);
  const text = lines.map((t) => `<text>${escapeXml(t)}</text>`).join('');
  const audio = sound ? `<audio src="ms-appx:///${escapeXml(sound)}"/>` : '';
  const visual = `<visual><binding template="ToastGeneric">${text}</binding></visual>`;
  return `<toast>${visual}${audio}</toast>`;
}

function wnsTypeOf(xml: string): 'wns/toast' | 'wns/tile' | 'wns/badge' {
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?<([a-zA-Z]+)/.exec(xml)?.[1];
  if (root === 'tile') return 'wns/tile';
  if (root === 'badge') return 'wns/badge';
  return 'wns/toast';
}
