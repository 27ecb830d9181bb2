/**
 * Runs `npm start` (scripts/start.ts) for the benchmark, isolated from a developer's own run:
 * free loopback ports (PORT, SANDBOX_PORT), and a fresh working directory under /tmp holding a
 * snapshot of the Worker (src/, migrations/, wrangler.toml: the work tree's, or a git ref's),
 * so the D1 and Durable Object state (.wrangler/) and the credentials (.local/) are new and
 * private to this run, and edits to src/ during the run do not restart the Worker under load.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { SandboxCredentials } from '../sandbox/credentials.ts';
import { descendants, facts } from './proc.ts';

export const ROOT = resolve(import.meta.dirname, '..');
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

export type Service = {
  baseUrl: string;
  sandboxUrl: string;
  credentials: SandboxCredentials;
  /** The worker's error log lines seen so far. */
  errors: string[];
  /** Every live process under the service (start.ts with the sandbox, wrangler, workerd). */
  pids(): number[];
  stop(): Promise<void>;
};

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

const WORKER_FILES = ['src', 'migrations', 'wrangler.toml'];

/**
 * Copies the Worker's files into `dir`: from the work tree, or from git when `ref` is set;
 * `src` (a directory) replaces src/, to measure a patched copy without touching the work tree.
 */
function snapshot(dir: string, ref: string | undefined, src: string | undefined): void {
  if (ref) {
    const args = ['-C', ROOT, 'archive', '--format=tar', ref, '--', ...WORKER_FILES];
    const tar = execFileSync('git', args, { maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x'], { cwd: dir, input: tar });
  } else {
    for (const name of WORKER_FILES) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  }
  if (src) {
    rmSync(join(dir, 'src'), { recursive: true, force: true });
    cpSync(resolve(src), join(dir, 'src'), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
}

/** The compatibility date of wrangler.toml, for the limit worker. */
export function compatibilityDate(): string {
  const text = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  return /^compatibility_date\s*=\s*"([^"]+)"/m.exec(text)?.[1] ?? '2026-05-01';
}

function waitForReady(child: ChildProcess, tail: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error('the service was not ready in 120 s')),
      START_TIMEOUT_MS,
    );
    const onLine = (line: string) => {
      if (!line.startsWith('pushgate ready on ')) return;
      clearTimeout(timer);
      done();
    };
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().split('\n').forEach(onLine));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`scripts/start.ts exited (${code}):\n${tail.join('\n')}`));
    });
  });
}

/** A private working directory for the service and the two ports it keeps across restarts. */
export type Workspace = {
  dir: string;
  port: number;
  sandboxPort: number;
  remove(): void;
};

/** A fresh directory under /tmp with a snapshot of the work tree, or of git `ref` when given. */
export async function createWorkspace(ref?: string, src?: string): Promise<Workspace> {
  const dir = mkdtempSync(join(process.env.BENCH_STATE_DIR ?? '/tmp', 'bench-pushgate-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  try {
    snapshot(dir, ref, src);
  } catch (error) {
    remove();
    throw error;
  }
  const [port, sandboxPort] = [await freePort(), await freePort()];
  return { dir, port, sandboxPort, remove };
}

/** Runs scripts/start.ts in the workspace and waits for its ready line. */
export async function startService(ws: Workspace): Promise<Service> {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const child = spawn(process.execPath, [tsx, join(ROOT, 'scripts/start.ts')], {
    cwd: ws.dir,
    env: { ...process.env, PORT: String(ws.port), SANDBOX_PORT: String(ws.sandboxPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const root = child.pid ?? -1;
  const tail: string[] = [];
  const errors: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line === '') continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (line.startsWith('[worker]') && /error/i.test(line)) errors.push(line);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const known = new Set<number>();
  const pids = () => {
    const live = descendants(root);
    for (const pid of live) known.add(pid);
    return live;
  };
  let stopped = false;
  /** Synchronous last resort (and on process exit): SIGKILL what this start began, by pid. */
  const killNow = () => {
    if (stopped) return;
    stopped = true;
    pids();
    for (const pid of [root, ...known]) signal(pid, 'SIGKILL');
  };
  process.once('exit', killNow);

  const stop = async () => {
    if (stopped) return;
    pids();
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      signal(root, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise((done) => {
        timer = setTimeout(done, STOP_TIMEOUT_MS);
      });
      await Promise.race([exited, late]);
      clearTimeout(timer);
    }
    killNow();
    process.off('exit', killNow);
  };

  try {
    await waitForReady(child, tail);
  } catch (error) {
    await stop();
    throw error;
  }
  pids();
  const local = (name: string) => JSON.parse(readFileSync(join(ws.dir, '.local', name), 'utf8'));
  return {
    baseUrl: `http://127.0.0.1:${ws.port}`,
    sandboxUrl: `http://127.0.0.1:${ws.sandboxPort}`,
    credentials: local('sandbox-credentials.json') as SandboxCredentials,
    errors,
    pids,
    stop,
  };
}

/** Signals `pid` if it is still one of ours (a pid may be reused once its process is gone). */
function signal(pid: number, name: NodeJS.Signals): void {
  const role = pid > 0 ? facts(pid)?.role : undefined;
  if (role === undefined || role === 'other') return;
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
