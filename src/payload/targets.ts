/** Which providers a notification's filters can reach (api-contract.md, Device registry). Pure. */
import { providerMismatch } from '../devices/tokens';
import { type Platform, PROVIDERS, type Provider } from '../providers/types';

export type TargetFilters = { platform?: Platform; provider?: Provider };

/** The providers of devices that `platform` and `provider` can match. */
export function targetedProviders({ platform, provider }: TargetFilters): Provider[] {
  return PROVIDERS.filter(
    (p) =>
      (provider === undefined || p === provider) &&
      (platform === undefined || providerMismatch(p, platform) === null),
  );
}
