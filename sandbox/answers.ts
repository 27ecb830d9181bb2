import {
  isObject,
  jsonBody,
  type Provider,
  type SandboxRequest,
  type SandboxResponse,
} from './http.ts';

/** One programmed answer; a JSON `body` value is serialised with content-type JSON. */
export type ProgrammedAnswer = {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
};

/**
 * Answers programmed per (provider, device token) through `POST /__sandbox/answers`, used one
 * per request in order, and only for requests that passed every auth, header and payload check.
 */
export class ProgrammedAnswers {
  readonly #queues = new Map<string, ProgrammedAnswer[]>();

  add(provider: Provider, token: string, answers: ProgrammedAnswer[]): void {
    const key = `${provider}:${token}`;
    this.#queues.set(key, [...(this.#queues.get(key) ?? []), ...answers]);
  }

  /** The next programmed answer for this request's token, if any. */
  take(provider: Provider, token: string | undefined): SandboxResponse | undefined {
    if (token === undefined) return undefined;
    const queue = this.#queues.get(`${provider}:${token}`);
    const answer = queue?.shift();
    if (!answer) return undefined;
    if (typeof answer.body === 'string' || answer.body === undefined) {
      return { status: answer.status, headers: answer.headers, body: answer.body };
    }
    return {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
      body: JSON.stringify(answer.body),
    };
  }
}

/** The device token a send request is for: APNs path, FCM message.token, WNS ?token, SMS to[0]. */
export function deviceTokenOf(provider: Provider, req: SandboxRequest): string | undefined {
  switch (provider) {
    case 'APNS': {
      const segment = /\/3\/device\/([^/]+)$/.exec(req.url.pathname)?.[1];
      return segment === undefined ? undefined : decodeURIComponent(segment);
    }
    case 'WNS':
      return req.url.searchParams.get('token') ?? undefined;
    case 'FCM':
    case 'SYNIVERSE': {
      const parsed = jsonBody(req)?.value;
      if (!isObject(parsed)) return undefined;
      if (provider === 'FCM') {
        return isObject(parsed.message) && typeof parsed.message.token === 'string'
          ? parsed.message.token
          : undefined;
      }
      return Array.isArray(parsed.to) && typeof parsed.to[0] === 'string'
        ? parsed.to[0]
        : undefined;
    }
  }
}
