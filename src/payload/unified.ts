/**
 * The unified payload section of a provider (api-contract.md, Notifications): APNs and FCM objects
 * passed on (FCM maps made of strings), WNS XML or raw, SMS text. Null when absent. Pure.
 */
import type { Provider, ProviderPayload } from '../providers/types';
import { apnsIssues, apnsPayload } from './apns';
import { fcmMessageIssues, normaliseFcmMessage } from './fcm-message';
import { type Checked, checked } from './issues';
import type { UnifiedServices } from './schemas';
import { wnsXmlIssues, wnsXmlType } from './wns';

/** The `payload.services` key of each provider. */
export const SERVICE_KEYS = {
  APNS: 'apns',
  FCM: 'fcm',
  WNS: 'wns',
  SYNIVERSE: 'syniverse',
} as const satisfies Record<Provider, keyof UnifiedServices>;

/** The section's payload for `provider`, its issues, or null when the section is absent. */
export function unifiedFor(
  provider: Provider,
  services: UnifiedServices,
): Checked<ProviderPayload> | null {
  switch (provider) {
    case 'APNS': {
      const apns = services.apns;
      return apns ? checked(apnsIssues(apns), () => apnsPayload(apns)) : null;
    }
    case 'FCM': {
      const fcm = services.fcm;
      if (!fcm) return null;
      return checked(fcmMessageIssues(fcm), () => ({
        provider,
        message: normaliseFcmMessage(fcm),
      }));
    }
    case 'WNS': {
      const wns = services.wns;
      if (wns === undefined) return null;
      if (typeof wns !== 'string') {
        return { ok: true, value: { provider, wnsType: 'wns/raw', body: wns.body } };
      }
      const wnsType = wnsXmlType(wns);
      if (!wnsType) return { ok: false, issues: wnsXmlIssues(wns) };
      return { ok: true, value: { provider, wnsType, body: wns } };
    }
    case 'SYNIVERSE':
      return services.syniverse !== undefined
        ? { ok: true, value: { provider, text: services.syniverse } }
        : null;
  }
}
