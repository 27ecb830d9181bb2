/**
 * The measured host. `wrangler dev` (what `npm start` runs) attaches an inspector proxy that
 * enables the runtime's Network domain and, with no DevTools attached, keeps every inspector
 * message it receives: several per outgoing fetch (wrangler's
 * templates/startDevWorker/InspectorProxyWorker.ts, `runtimeMessageBuffer`). Its memory grows
 * by tens of KB per delivery and a 50,000-device send reset the connection. So the default host
 * runs the same snapshot, wrangler.toml, state directory and .local/worker.env that
 * scripts/start.ts prepared, through wrangler's own API (`unstable_startWorker`) with the
 * inspector off, beside the same sandbox providers. `--host wrangler-dev` measures start.ts as is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unstable_startWorker } from 'wrangler';
import type { SandboxCredentials } from '../sandbox/credentials.ts';
import { startSandbox } from '../sandbox/server.ts';
import { descendants } from './proc.ts';
import type { Service, Workspace } from './service.ts';

type Worker = Awaited<ReturnType<typeof unstable_startWorker>>;

/** Starts a Worker from `config` on `port` with the inspector off; answers it once ready. */
export async function startQuietWorker(
  config: string,
  port: number,
  envFiles: string[] = [],
): Promise<Worker> {
  // wrangler's logger: warnings (the offline Request.cf one) and queue lines off.
  process.env.WRANGLER_LOG ??= 'error';
  const worker = await unstable_startWorker({
    config,
    envFiles,
    dev: {
      inspector: false,
      server: { hostname: '127.0.0.1', port },
      watch: false,
      logLevel: 'error',
    },
  });
  await worker.ready;
  return worker;
}

/** The service from the workspace that scripts/start.ts prepared, with the inspector off. */
export async function startQuietService(ws: Workspace): Promise<Service> {
  const local = (name: string) => readFileSync(join(ws.dir, '.local', name), 'utf8');
  const credentials = JSON.parse(local('sandbox-credentials.json')) as SandboxCredentials;
  const sandbox = await startSandbox({
    host: '127.0.0.1',
    port: ws.sandboxPort,
    trust: credentials,
  });
  let worker: Worker;
  try {
    const config = join(ws.dir, 'wrangler.toml');
    worker = await startQuietWorker(config, ws.port, [join(ws.dir, '.local/worker.env')]);
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  let stopped = false;
  return {
    baseUrl: `http://127.0.0.1:${ws.port}`,
    sandboxUrl: sandbox.url,
    credentials,
    errors: [],
    pids: () => descendants(process.pid),
    async stop() {
      if (stopped) return;
      stopped = true;
      await worker.dispose();
      await sandbox.close();
    },
  };
}
