/**
 * `message` per provider (api-contract.md, Notifications): text that parses as a JSON object is
 * that provider's payload (console rule), any other text is plain text. Pure.
 */
import type { Provider, ProviderPayload } from '../providers/types';
import { apnsIssues, apnsPayload } from './apns';
import { fcmMessageIssues, normaliseFcmMessage } from './fcm-message';
import { type Checked, checked } from './issues';
import { parseJsonObject } from './json';
import { toastPayload } from './wns';

/** The message's payload for `provider`, or the issues that keep a JSON object from being one. */
export function messageFor(provider: Provider, message: string): Checked<ProviderPayload> {
  const object = parseJsonObject(message);
  switch (provider) {
    case 'APNS':
      if (!object) return { ok: true, value: apnsPayload({ aps: { alert: message } }) };
      return checked(apnsIssues(object), () => apnsPayload(object));
    case 'FCM':
      if (!object)
        return { ok: true, value: { provider, message: { notification: { body: message } } } };
      return checked(fcmMessageIssues(object), () => ({
        provider,
        message: normaliseFcmMessage(object),
      }));
    case 'WNS':
      return {
        ok: true,
        value: object ? { provider, wnsType: 'wns/raw', body: message } : toastPayload([message]),
      };
    case 'SYNIVERSE':
      return { ok: true, value: { provider, text: message } };
  }
}
