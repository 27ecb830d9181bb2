import type { AccessTokens } from './access-tokens.ts';
import type { SandboxCredentials } from './credentials.ts';
import { checkSendRequest } from './fcm-message.ts';
import { fcmErrorDetail, googleError, jsonDecodeError } from './google-errors.ts';
import { bearerToken, type Handler, json, jsonBody } from './http.ts';
import { randomDigits, randomHex } from './ids.ts';

const SEND_PATH = /^\/fcm\/v1\/projects\/([^/]+)\/messages:send$/;
const UNAUTHENTICATED =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie ' +
  'or other valid authentication credential. ' +
  'See https://developers.google.com/identity/sign-in/web/devconsole-project.';

const permissionDenied = (project: string) =>
  `Permission 'cloudmessaging.messages.create' denied on resource ` +
  `'//cloudresourcemanager.googleapis.com/projects/${project}' (or it may not exist).`;

const messageId = () => {
  const half = randomHex(4);
  return `0:${Date.now()}${randomDigits(3)}%${half}${half}`;
};

/** FCM HTTP v1 `POST /fcm/v1/projects/<projectId>/messages:send` (providers.md §2.2–2.4). */
export function createFcm(trust: SandboxCredentials['fcm'], tokens: AccessTokens): Handler {
  return (req) => {
    const project = SEND_PATH.exec(req.url.pathname)?.[1];
    if (!project) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.');
    if (req.method !== 'POST') return googleError(404, 'NOT_FOUND', 'Method not found.');
    if (!tokens.isValid(bearerToken(req.headers.authorization))) {
      const response = googleError(401, 'UNAUTHENTICATED', UNAUTHENTICATED);
      response.headers = {
        ...response.headers,
        'www-authenticate': 'Bearer realm="https://accounts.google.com/"',
      };
      return response;
    }
    if (project !== trust.projectId) {
      return googleError(403, 'PERMISSION_DENIED', permissionDenied(project));
    }
    const parsed = jsonBody(req);
    if (!parsed) {
      const description = 'Invalid JSON payload received. Unexpected token.';
      return jsonDecodeError('', description);
    }
    const check = checkSendRequest(parsed.value);
    if (!check.ok) return check.response;
    const { target, validateOnly } = check;
    if (target.kind === 'token' && target.value.startsWith('dead-')) {
      return googleError(404, 'NOT_FOUND', 'Requested entity was not found.', [
        fcmErrorDetail('UNREGISTERED'),
      ]);
    }
    if (target.kind === 'token' && target.value.startsWith('fail-')) {
      return googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.', [
        fcmErrorDetail('UNAVAILABLE'),
      ]);
    }
    const id = validateOnly ? 'fake_message_id' : messageId();
    return json(
      200,
      { name: `projects/${trust.projectId}/messages/${id}` },
      {},
      'application/json; charset=UTF-8',
    );
  };
}
