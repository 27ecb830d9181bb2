/**
 * The payload rules that need the whole request: each targeted provider's payload must be valid
 * and within its limit, and at least one of them must have something to send (api-contract.md,
 * Notifications and Payload limits). Pure.
 */
import type { Provider } from '../providers/types';
import { composeFor } from './compose';
import type { NotificationContent } from './schemas';

export type PayloadProblem = {
  /** JSON path of the request field at fault, e.g. `$.payload.services.apns`. */
  path: string;
  title: string;
  code: 'PAYLOAD_TOO_LARGE' | 'INVALID_FIELD';
};

/** Every payload problem of `content` for the providers in `targets`; empty when it can be sent. */
export function payloadProblems(
  content: NotificationContent,
  targets: readonly Provider[],
): PayloadProblem[] {
  const composed = targets.map((provider) => composeFor(provider, content));
  const problems: PayloadProblem[] = [];
  for (const c of composed) {
    if (c.ok || c.problem === 'empty') continue;
    const code = c.problem === 'too-large' ? 'PAYLOAD_TOO_LARGE' : 'INVALID_FIELD';
    problems.push({ path: c.path, title: c.reason, code });
  }
  if (composed.length > 0 && composed.every((c) => !c.ok && c.problem === 'empty')) {
    const title = `Nothing to send to any targeted provider (${targets.join(', ')}).`;
    const given = [
      ...(content.template ? ['$.template.parameters'] : []),
      ...(content.payload ? ['$.payload.services'] : []),
    ];
    for (const path of given.length > 0 ? given : ['$']) {
      problems.push({ path, title, code: 'INVALID_FIELD' });
    }
  }
  return problems;
}
