/**
 * Turns a notification's content into one provider's wire payload (api-contract.md,
 * Notifications): the unified payload section if present, else the #default template when it has
 * something for the provider, else the message. Sizes are checked against PAYLOAD_LIMITS. Pure.
 */
import type { Provider, ProviderPayload } from '../providers/types';
import { type Checked, describeIssues } from './issues';
import { FCM_TOKEN_RESERVE, PAYLOAD_LIMITS, wireBytes } from './limits';
import { messageFor } from './message';
import type { NotificationContent } from './schemas';
import { templateFor } from './template';
import { SERVICE_KEYS, unifiedFor } from './unified';

/** A provider's payload, or why there is none; `path` names the request field it came from. */
export type Composed =
  | { ok: true; payload: ProviderPayload; path: string }
  | { ok: false; problem: 'empty' | 'invalid' | 'too-large'; reason: string; path: string };

/** The payload `provider` gets for `content`, or why it gets none (empty, invalid, too large). */
export function composeFor(provider: Provider, content: NotificationContent): Composed {
  const picked = pick(provider, content);
  if (!picked) {
    const key = SERVICE_KEYS[provider];
    const reason =
      `Nothing to send for ${provider}: no payload.services.${key}, and neither the template ` +
      'nor a message has content for it.';
    return { ok: false, problem: 'empty', reason, path: '$' };
  }
  const { path, checked } = picked;
  if (!checked.ok) {
    const reason = `${path} is not a valid ${provider} payload: ${describeIssues(checked.issues)}`;
    return { ok: false, problem: 'invalid', reason, path };
  }
  const bytes = wireBytes(checked.value);
  const limit = PAYLOAD_LIMITS[provider];
  if (bytes > limit) {
    const token = provider === 'FCM' ? ` with a ${FCM_TOKEN_RESERVE}-byte token` : '';
    const reason = `The ${provider} payload is ${bytes} bytes${token}; the limit is ${limit}.`;
    return { ok: false, problem: 'too-large', reason, path };
  }
  return { ok: true, payload: checked.value, path };
}

function pick(
  provider: Provider,
  { message, template, payload }: NotificationContent,
): { path: string; checked: Checked<ProviderPayload> } | null {
  const unified = payload ? unifiedFor(provider, payload.services) : null;
  if (unified) return { path: `$.payload.services.${SERVICE_KEYS[provider]}`, checked: unified };
  const fromTemplate = template ? templateFor(provider, template) : null;
  if (fromTemplate) return { path: '$.template', checked: { ok: true, value: fromTemplate } };
  if (message !== undefined) return { path: '$.message', checked: messageFor(provider, message) };
  return null;
}
