/**
 * The one validation hook: reads a JSON body (256 KiB cap, api-contract.md Conventions) and
 * checks it with a zod schema, turning every issue into an `o:errorDetails` entry.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError, badRequest, type ErrorDetail } from './problem';

export const MAX_BODY_BYTES = 256 * 1024;

/** JSON path of a zod issue, e.g. `$.mobileClient.platform` or `$.notificationTokens[3]`. */
function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    '$',
  );
}

export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => ({
    title: issue.message,
    'o:errorCode': 'INVALID_FIELD',
    'o:errorPath': jsonPath(issue.path),
  }));
}

/** Parses `value` with `schema` or throws a 400 listing every bad field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string) {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidFields(result.error.issues, what);
  return result.data as z.infer<T>;
}

/** parseOrThrow for schemas with async checks (e.g. importing a private key). */
export async function parseAsyncOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
) {
  const result = await schema.safeParseAsync(value);
  if (!result.success) throw invalidFields(result.error.issues, what);
  return result.data as z.infer<T>;
}

function invalidFields(issues: readonly z.core.$ZodIssue[], what: string) {
  const details = issuesToDetails(issues);
  const fields = details.map((d) => d['o:errorPath']).join(', ');
  return badRequest(`Invalid ${what}: ${fields}.`, details, 'VALIDATION_FAILED');
}

/** Reads the request body as JSON within the size cap. */
export async function readJson(c: Context): Promise<unknown> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await c.req.text();
  if (new TextEncoder().encode(text).byteLength > MAX_BODY_BYTES) throw tooLarge();
  if (text.trim() === '') throw badRequest('The request body is empty; a JSON object is expected.');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON.', [], 'INVALID_JSON');
  }
}

/** Reads and validates a JSON body in one step. */
export async function readBody<T extends z.ZodType>(c: Context, schema: T, what = 'request body') {
  return parseOrThrow(schema, await readJson(c), what);
}

function tooLarge() {
  return new ApiError(
    413,
    'PAYLOAD_TOO_LARGE',
    `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
  );
}
