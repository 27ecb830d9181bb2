/**
 * The #default template per provider (api-contract.md, Notifications; providers.md §1.3, §2.3,
 * §3.2). Null when the template has nothing for that provider. Pure.
 */
import type { Provider, ProviderPayload } from '../providers/types';
import { apnsPayload } from './apns';
import { stringValues } from './fcm-message';
import type { Template } from './schemas';
import { toastPayload } from './wns';

type Parameters = Template['parameters'];

/** The template's payload for `provider`, or null when it has nothing for it. */
export function templateFor(provider: Provider, template: Template): ProviderPayload | null {
  const parameters = template.parameters;
  switch (provider) {
    case 'APNS':
      return apnsFromTemplate(parameters);
    case 'FCM':
      return fcmFromTemplate(parameters);
    case 'WNS': {
      const { title, body, sound } = parameters;
      if (body === undefined) return null;
      return toastPayload(title !== undefined ? [title, body] : [body], sound);
    }
    case 'SYNIVERSE': {
      const { title, body } = parameters;
      if (body === undefined) return null;
      return { provider, text: title !== undefined ? `${title}: ${body}` : body };
    }
  }
}

/** §1.3: alert string (body only) or {title, body}; badge 0 is kept (it clears the badge). */
function apnsFromTemplate({ title, body, badge, sound, custom = {} }: Parameters) {
  const aps: Record<string, unknown> = {};
  if (body !== undefined) aps.alert = title !== undefined ? { title, body } : body;
  if (badge !== undefined) aps.badge = badge;
  if (sound !== undefined) aps.sound = sound;
  if (Object.keys(aps).length === 0 && Object.keys(custom).length === 0) return null;
  return apnsPayload({ aps, ...custom });
}

/** §2.3: `notification` {title, body}, custom as string `data`, sound on Android notifications. */
function fcmFromTemplate({ title, body, sound, custom = {} }: Parameters): ProviderPayload | null {
  const notification =
    body === undefined ? undefined : title !== undefined ? { title, body } : { body };
  const data = stringValues(custom);
  const hasData = Object.keys(data).length > 0;
  if (!notification && !hasData) return null;
  const message = {
    ...(notification ? { notification } : {}),
    ...(hasData ? { data } : {}),
    ...(notification && sound !== undefined ? { android: { notification: { sound } } } : {}),
  };
  return { provider: 'FCM', message };
}
