import { json, type SandboxResponse } from './http.ts';

/** A `details[]` entry of a google.rpc.Status. */
export type GoogleErrorDetail = Record<string, unknown>;

/** google.rpc.Status error envelope as FCM sends it (providers.md §2.4). */
export function googleError(
  code: number,
  status: string,
  message: string,
  details: GoogleErrorDetail[] = [],
): SandboxResponse {
  const error = details.length > 0 ? { code, message, status, details } : { code, message, status };
  return json(code, { error }, {}, 'application/json; charset=UTF-8');
}

/** The FcmError detail that carries FCM's own error code (§2.4). */
export const fcmErrorDetail = (errorCode: string): GoogleErrorDetail => ({
  '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
  errorCode,
});

/** A google.rpc.BadRequest detail with one field violation (§2.4). */
export const badRequestDetail = (field: string, description: string): GoogleErrorDetail => ({
  '@type': 'type.googleapis.com/google.rpc.BadRequest',
  fieldViolations: [{ field, description }],
});

/** 400 INVALID_ARGUMENT from JSON decoding: BadRequest only, message repeated (§2.3). */
export const jsonDecodeError = (field: string, description: string): SandboxResponse =>
  googleError(400, 'INVALID_ARGUMENT', description, [badRequestDetail(field, description)]);

/** 400 INVALID_ARGUMENT from FCM's own validation: FcmError plus BadRequest (§2.4). */
export const fcmInvalidArgument = (field: string, description: string): SandboxResponse =>
  googleError(400, 'INVALID_ARGUMENT', description, [
    fcmErrorDetail('INVALID_ARGUMENT'),
    badRequestDetail(field, description),
  ]);
