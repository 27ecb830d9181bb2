/**
 * `npm start`: the service on this machine with its sandbox providers, ready for the README's
 * curl examples. Applies the D1 migrations locally, starts the sandbox providers and
 * `wrangler dev`, seeds the demo backend (idempotent), writes .local/demo.json and prints a
 * ready line. Ctrl-C stops everything it started.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { generateSandboxCredentials, type SandboxCredentials } from '../sandbox/credentials.ts';
import { startSandbox } from '../sandbox/server.ts';

const HOST = '127.0.0.1';
const PORT = Number(process.env.PORT ?? 8787);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 8790);
const LOCAL = '.local';
const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' };

/** Reads a JSON file of ours, creating it with `make()` the first time. */
async function keep<T>(name: string, make: () => Promise<T> | T): Promise<T> {
  const file = `${LOCAL}/${name}`;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    const value = await make();
    await writeFile(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    return value;
  }
}

function applyMigrations(): void {
  const result = spawnSync(
    process.execPath,
    [wrangler, 'd1', 'migrations', 'apply', 'pushgate', '--local'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: quietEnv },
  );
  if (result.status !== 0) throw new Error('applying the D1 migrations failed');
}

/** Starts `wrangler dev` with its variables and secrets in a git-ignored env file. */
async function startWorker(vars: Record<string, string>): Promise<ChildProcess> {
  const envFile = `${LOCAL}/worker.env`;
  const lines = Object.entries(vars).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  await writeFile(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  const args = [wrangler, 'dev', '--ip', HOST, '--port', String(PORT), '--env-file', envFile];
  args.push('--show-interactive-dev-session=false');
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: quietEnv,
    detached: true,
  });
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      const noise = line.includes('workers.cloudflare.com');
      if (!noise && (line.includes('"event"') || /error/i.test(line)))
        process.stdout.write(`[worker] ${line}\n`);
    }
  };
  child.stdout?.on('data', relay);
  child.stderr?.on('data', relay);
  return child;
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('wrangler dev exited during start-up');
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the service did not answer on ${url} within 60 s`);
}

/** Fails early, with the variable to change, when a port is taken by another program. */
async function ensureFree(port: number, variable: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(
      `${HOST}:${port} is already in use (another npm start?). Stop it, or choose another ` +
        `port with ${variable}=<port> npm start.`,
    );
  }
}

async function main(): Promise<void> {
  await ensureFree(PORT, 'PORT');
  await ensureFree(SANDBOX_PORT, 'SANDBOX_PORT');
  await mkdir(LOCAL, { recursive: true });
  const credentials = await keep<SandboxCredentials>(
    'sandbox-credentials.json',
    generateSandboxCredentials,
  );
  const secrets = await keep('secrets.json', () => ({
    credentialsKey: randomBytes(32).toString('base64'),
    tokenSigningKey: randomBytes(32).toString('base64'),
  }));

  applyMigrations();
  const sandbox = await startSandbox({ host: HOST, port: SANDBOX_PORT, trust: credentials });
  const s = sandbox.url;
  const worker = await startWorker({
    APNS_PRODUCTION_URL: `${s}/apns/production`,
    APNS_DEVELOPMENT_URL: `${s}/apns/development`,
    FCM_URL: `${s}/fcm`,
    GOOGLE_TOKEN_URL: `${s}/google/token`,
    WNS_LOGIN_URL: `${s}/wns/accesstoken.srf`,
    WNS_ENTRA_URL: `${s}/entra`,
    WNS_CHANNEL_ORIGINS: s,
    SYNIVERSE_URL: `${s}/syniverse/scg-external-api/api/v1`,
    SYNIVERSE_TOKEN_URL: `${s}/syniverse/saop-rest-data/v1/apptoken-refresh`,
    DEV_BOOTSTRAP: 'enabled',
    CREDENTIALS_KEY: secrets.credentialsKey,
    TOKEN_SIGNING_KEY: secrets.tokenSigningKey,
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (worker.pid && worker.exitCode === null) {
      try {
        process.kill(-worker.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await sandbox.close();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(0));
  }
  // npm does not pass every signal on: stop too when the parent process is gone.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop(0);
  }, 1000).unref();
  worker.on('exit', (code) => {
    if (!stopping) {
      console.error(`wrangler dev exited (${code}); stopping.`);
      void stop(1);
    }
  });

  const baseUrl = `http://${HOST}:${PORT}`;
  try {
    await waitUntilUp(`${baseUrl}/`, worker);
    const res = await fetch(`${baseUrl}/__dev/bootstrap`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ credentials }),
    });
    if (!res.ok)
      throw new Error(`seeding the demo backend failed: ${res.status} ${await res.text()}`);
    const demo = (await res.json()) as {
      backendId: string;
      anonymousKey: string;
      admin: { username: string; password: string };
      mobileUser: { username: string; password: string };
      oauth: { clientId: string; clientSecret: string };
      clients: Record<string, { id: string; version: string }>;
    };
    const facts = { baseUrl, ...demo, sandboxUrl: s };
    await writeFile(`${LOCAL}/demo.json`, `${JSON.stringify(facts, null, 2)}\n`);
    console.log(
      `pushgate ready on ${baseUrl} | backend ${demo.backendId} | admin ` +
        `${demo.admin.username}:${demo.admin.password} | mobile user ` +
        `${demo.mobileUser.username}:${demo.mobileUser.password} | sandbox ${s} | ` +
        `facts in ${LOCAL}/demo.json | Ctrl-C stops`,
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stop(1);
  }
}

await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
