/** What a Syniverse SCG answer means for the number and the send (providers.md §4.3 and §7). */
import { z } from 'zod';
import { type AnswerHeaders, providerCode, reasonOf, retry } from './classify';
import type { Outcome } from './types';

const ErrorSchema = z.object({
  error_code: z.unknown().optional(),
  // Field name of the old SDK models (§4.3).
  errcode: z.unknown().optional(),
});

const AcceptedSchema = z.object({ id: z.string().min(1) });

/** The SCG error code of a body (`error_code`, or the old SDKs' `errcode`), when readable. */
export function syniverseCode(body: unknown): string | undefined {
  const error = ErrorSchema.safeParse(body);
  if (!error.success) return undefined;
  return providerCode(error.data.error_code) ?? providerCode(error.data.errcode);
}

/**
 * Classifies one SCG answer row by row (§7). The credentials hold a static application token and
 * no consumer key to refresh it, so 401 and 404 SCG_ERROR_4046 (token expired) are credentials.
 */
export function classifySyniverse(status: number, body: unknown, headers: AnswerHeaders): Outcome {
  if (status === 200 || status === 201) {
    if (AcceptedSchema.safeParse(body).success) return { kind: 'accepted' };
    // Possibly sent: retrying could send the SMS twice (§4.2, no idempotency).
    return { kind: 'bad-message', reason: `Syniverse ${status} without a message request id` };
  }
  const code = syniverseCode(body);
  const reason = reasonOf('Syniverse', status, code);

  if (status === 400 && code === 'SCG_ERROR_40024') return { kind: 'dead', reason };
  if (status === 409 && (code === '1001' || code === 'SCG_ERROR_4090')) {
    return retry(reason, headers);
  }
  // 401 SCG_ERROR_4010, 402 billing/quota, 403 sender setup, 404 (4046 token expired, 404x).
  if (status >= 401 && status <= 404) return { kind: 'credentials', reason };
  if (status === 500 && code === 'SCG_ERROR_5001') return { kind: 'bad-message', reason };
  if (status === 429 || status >= 500) return retry(reason, headers);
  // 400 SCG_ERROR_40xx and 1012/1020/1023, 409 1011, 422 and anything else unexpected.
  return { kind: 'bad-message', reason };
}
