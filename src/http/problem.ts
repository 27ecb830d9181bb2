/**
 * The contract's error body (api-contract.md, Conventions) and the one error class routes throw.
 */

export type ErrorDetail = { title: string; 'o:errorCode': string; 'o:errorPath': string };

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const SECTIONS: Record<number, string> = {
  400: '15.5.1',
  401: '15.5.2',
  403: '15.5.4',
  404: '15.5.5',
  405: '15.5.6',
  409: '15.5.10',
  413: '15.5.14',
  415: '15.5.16',
  500: '15.6.1',
  503: '15.6.4',
};

/** An error with an HTTP status that `app.onError` turns into the contract's body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly detail: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
    cause?: unknown,
  ) {
    super(detail, { cause });
  }
}

export const badRequest = (detail: string, details: ErrorDetail[] = [], code = 'BAD_REQUEST') =>
  new ApiError(400, code, detail, details);

export const notFound = (detail: string) => new ApiError(404, 'NOT_FOUND', detail);

export const forbidden = (detail: string) => new ApiError(403, 'FORBIDDEN', detail);

/** Builds the JSON body for an error response. */
export function problemBody(
  status: number,
  errorCode: string,
  detail: string,
  ecid: string,
  path: string,
  details: ErrorDetail[] = [],
) {
  return {
    type: `https://www.rfc-editor.org/rfc/rfc9110#section-${SECTIONS[status] ?? '15'}`,
    status,
    title: TITLES[status] ?? 'Error',
    detail,
    'o:ecid': ecid,
    'o:errorCode': errorCode,
    'o:errorPath': path,
    ...(details.length > 0 ? { 'o:errorDetails': details } : {}),
  };
}

/** 405 for a known path asked with a method it does not serve. */
export function methodNotAllowed(allowed: string[]) {
  const allow = allowed.join(', ');
  return new ApiError(405, 'METHOD_NOT_ALLOWED', `This resource accepts ${allow}.`, [], {
    Allow: allow,
  });
}
