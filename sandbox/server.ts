import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessTokens } from './access-tokens.ts';
import { deviceTokenOf, type ProgrammedAnswer, ProgrammedAnswers } from './answers.ts';
import { createApns } from './apns.ts';
import { type ApnsKey, ApnsKeyring } from './apns-keys.ts';
import type { SandboxCredentials } from './credentials.ts';
import { createFcm } from './fcm.ts';
import { createGoogleOAuth } from './google-oauth.ts';
import {
  type Handler,
  json,
  type Provider,
  type SandboxRequest,
  type SandboxResponse,
} from './http.ts';
import { Recorder } from './recorder.ts';
import { AppTokens, createSyniverse } from './syniverse.ts';
import { createWnsSend } from './wns.ts';
import { createWnsClassicToken, createWnsEntraToken } from './wns-auth.ts';

const MAX_BODY_BYTES = 1024 * 1024;

type Route = {
  provider: Provider;
  matches: (pathname: string) => boolean;
  handle: Handler;
  /** Device sends (not token endpoints) may answer with a programmed answer. */
  send?: boolean;
};

/** State the sandbox's own endpoints change at run time. */
type Knobs = {
  apnsKeys: ApnsKeyring;
  answers: ProgrammedAnswers;
  recorder: Recorder;
  syniverseTokens: AppTokens;
};

const prefix = (value: string) => (pathname: string) =>
  pathname === value || pathname.startsWith(`${value}/`);

function createRoutes(trust: SandboxCredentials, knobs: Knobs, baseUrl: () => string): Route[] {
  const googleTokens = new AccessTokens();
  const wnsTokens = new AccessTokens();
  return [
    { provider: 'APNS', matches: prefix('/apns'), handle: createApns(knobs.apnsKeys), send: true },
    {
      provider: 'FCM',
      matches: prefix('/google/token'),
      handle: createGoogleOAuth(trust.fcm, googleTokens, baseUrl),
    },
    {
      provider: 'FCM',
      matches: prefix('/fcm'),
      handle: createFcm(trust.fcm, googleTokens),
      send: true,
    },
    {
      provider: 'WNS',
      matches: (pathname) => pathname === '/wns/accesstoken.srf',
      handle: createWnsClassicToken(trust.wns, wnsTokens),
    },
    {
      provider: 'WNS',
      matches: prefix('/entra'),
      handle: createWnsEntraToken(trust.wns, wnsTokens),
    },
    {
      provider: 'WNS',
      matches: (pathname) => pathname === '/wns' || pathname === '/wns/',
      handle: createWnsSend(wnsTokens),
      send: true,
    },
    {
      provider: 'SYNIVERSE',
      matches: prefix('/syniverse'),
      handle: createSyniverse(trust.syniverse, knobs.syniverseTokens),
      send: true,
    },
  ];
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

function headersOf(req: IncomingMessage): Pick<SandboxRequest, 'headers' | 'repeatedHeaders'> {
  const headers: Record<string, string> = {};
  const repeatedHeaders: string[] = [];
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    headers[name] = values.join(', ');
    if (values.length > 1) repeatedHeaders.push(name);
  }
  return { headers, repeatedHeaders };
}

function send(res: ServerResponse, response: SandboxResponse): void {
  const body = Buffer.from(response.body ?? '', 'utf8');
  res.writeHead(response.status, { ...response.headers, 'content-length': body.length });
  res.end(body);
}

function sandboxAdmin(
  req: IncomingMessage,
  url: URL,
  body: Buffer | undefined,
  { recorder, apnsKeys, answers, syniverseTokens }: Knobs,
): SandboxResponse {
  if (req.method === 'POST' && url.pathname === '/__sandbox/syniverse/tokens') {
    return json(201, { token: syniverseTokens.issue() });
  }
  if (req.method === 'POST' && url.pathname === '/__sandbox/syniverse/expire') {
    const { token } = (parseJson(body) ?? {}) as { token?: string };
    return token && syniverseTokens.expire(token)
      ? { status: 204 }
      : json(404, { error: 'no such token' });
  }
  if (url.pathname === '/__sandbox/health') return json(200, { ok: true });
  if (req.method === 'POST' && url.pathname === '/__sandbox/trust/apns') {
    const key = parseJson(body) as ApnsKey | undefined;
    if (!key?.teamId || !key.keyId || !key.bundleId || !key.publicKeyPem) {
      return json(400, { error: 'teamId, keyId, bundleId and publicKeyPem are required' });
    }
    apnsKeys.add(key);
    return { status: 204 };
  }
  if (req.method === 'POST' && url.pathname === '/__sandbox/answers') {
    const program = parseJson(body) as
      | { provider?: Provider; token?: string; answers?: ProgrammedAnswer[] }
      | undefined;
    if (!program?.provider || !program.token || !Array.isArray(program.answers)) {
      return json(400, { error: 'provider, token and answers[] are required' });
    }
    answers.add(program.provider, program.token, program.answers);
    return { status: 204 };
  }
  if (url.pathname !== '/__sandbox/requests') return json(404, { error: 'not found' });
  if (req.method === 'DELETE') {
    recorder.clear();
    return { status: 204 };
  }
  if (req.method !== 'GET') return json(405, { error: 'method not allowed' });
  const filter = {
    provider: url.searchParams.get('provider'),
    contains: url.searchParams.get('contains'),
  };
  return json(200, recorder.list(filter));
}

function parseJson(body: Buffer | undefined): unknown {
  try {
    return JSON.parse(body?.toString('utf8') ?? '');
  } catch {
    return undefined;
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: Route[],
  knobs: Knobs,
): Promise<void> {
  const { recorder } = knobs;
  const path = req.url ?? '/';
  const url = new URL(path, 'http://sandbox.invalid');
  const method = req.method ?? 'GET';
  if (url.pathname.startsWith('/__sandbox/')) {
    return send(res, sandboxAdmin(req, url, await readBody(req), knobs));
  }
  const route = routes.find((candidate) => candidate.matches(url.pathname));
  const record = route && recorder.arrive(route.provider, method, path);
  const body = await readBody(req);
  const { headers, repeatedHeaders } = headersOf(req);
  let response: SandboxResponse;
  if (!route) response = json(404, { error: 'not found', path });
  else if (!body) response = json(413, { error: 'request body over the sandbox limit' });
  else {
    const request = { method, path, url, headers, repeatedHeaders, body };
    response = route.handle(request);
    if (route.send && response.status < 300) {
      response =
        knobs.answers.take(route.provider, deviceTokenOf(route.provider, request)) ?? response;
    }
  }
  if (record) {
    record.headers = headers;
    record.body = body?.toString('utf8') ?? '';
    record.status = response.status;
  }
  send(res, response);
}

const formatHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/**
 * Starts the sandbox providers (APNs, FCM + Google OAuth, WNS, Syniverse) on HTTP/1.1,
 * trusting `trust`. Port 0 picks a free port; `url` has no trailing slash.
 */
export async function startSandbox(opts: {
  host?: string;
  port?: number;
  trust: SandboxCredentials;
}): Promise<{ url: string; close(): Promise<void> }> {
  const host = opts.host ?? '127.0.0.1';
  let url = '';
  const knobs: Knobs = {
    apnsKeys: new ApnsKeyring(opts.trust.apns),
    answers: new ProgrammedAnswers(),
    recorder: new Recorder(),
    syniverseTokens: new AppTokens(opts.trust.syniverse.appToken),
  };
  const routes = createRoutes(opts.trust, knobs, () => url);
  const server = createServer((req, res) => {
    handle(req, res, routes, knobs).catch((error: unknown) => {
      console.error('sandbox: request failed:', error instanceof Error ? error.message : error);
      if (!res.headersSent) send(res, json(500, { error: 'sandbox internal error' }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${formatHost(host)}:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
