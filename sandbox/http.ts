/** Provider names as recorded; token endpoints count as the provider they serve. */
export type Provider = 'APNS' | 'FCM' | 'WNS' | 'SYNIVERSE';

/** One fully read request, as the provider handlers see it. */
export type SandboxRequest = {
  method: string;
  /** Path plus query, as received. */
  path: string;
  url: URL;
  /** Lowercase header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Lowercase names of headers sent more than once. */
  repeatedHeaders: string[];
  body: Buffer;
};

/** What a handler answers; the server adds Content-Length. */
export type SandboxResponse = { status: number; headers?: Record<string, string>; body?: string };

/** A provider endpoint: pure function from request to response. */
export type Handler = (req: SandboxRequest) => SandboxResponse;

/** JSON response with the given status and extra headers. */
export function json(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): SandboxResponse {
  return {
    status,
    headers: { 'content-type': contentType, ...headers },
    body: JSON.stringify(value),
  };
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive). */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^bearer +(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** Parses an application/x-www-form-urlencoded body. */
export const formBody = (req: SandboxRequest): URLSearchParams =>
  new URLSearchParams(req.body.toString('utf8'));

/** Parses a JSON body; undefined when it is not JSON. */
export function jsonBody(req: SandboxRequest): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(req.body.toString('utf8')) };
  } catch {
    return undefined;
  }
}

/** True for a plain JSON object (not null, not an array). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The media type of a Content-Type header, lowercased, without parameters. */
export const mediaType = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** Current time in epoch seconds. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
