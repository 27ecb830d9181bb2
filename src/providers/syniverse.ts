/** Syniverse SCG client (providers.md §4): one message request per phone number. */
import { type ClientContext, joinUrl, request } from './http';
import { classifySyniverse } from './syniverse-outcome';
import type { Outcome, ProviderPayload, SyniverseCredentials } from './types';

type SyniversePayload = Extract<ProviderPayload, { provider: 'SYNIVERSE' }>;

/**
 * Sends `payload` as an SMS to one E.164 number; `messageKey` goes out as `external_id` (§4.2:
 * SCG has no idempotency key, so it is how a resend after a timeout can be traced).
 */
export async function sendSyniverse(
  credentials: SyniverseCredentials,
  payload: SyniversePayload,
  phoneNumber: string,
  ctx: ClientContext,
  messageKey: string,
): Promise<Outcome> {
  const url = joinUrl(ctx.endpoints.syniverseUrl, '/messaging/message_requests');
  const answer = await request(ctx, 'Syniverse', url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${credentials.appToken}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      from: credentials.from,
      to: [phoneNumber],
      body: payload.text,
      external_id: messageKey,
    }),
  });
  if (answer.kind === 'retry') return answer;
  return classifySyniverse(answer.status, answer.body, {
    retryAfter: answer.headers.get('retry-after'),
  });
}
