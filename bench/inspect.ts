/**
 * The live JavaScript memory of the service, as opposed to its RSS. workerd's RSS grows with
 * every request it has handled until V8 decides to collect, for a Worker that keeps nothing as
 * much as for ours (the fetch-only limit Worker shows it; workerd#6894). So after each send the
 * benchmark asks every isolate to collect its garbage and reads what is still reachable.
 *
 * wrangler's API starts workerd with no inspector (see host.ts for why); bench/workerd.sh, set
 * as MINIFLARE_WORKERD_PATH while the service starts, adds `--inspector-addr` to the runtime so
 * this module can speak the DevTools protocol to it directly, only between sends.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ROOT } from './service.ts';

/**
 * From now on, the workerd that runs Worker `name` listens for DevTools on `port` (loopback).
 * Set before the service starts (wrangler spawns the runtime after `ready` resolves) and left
 * set: other instances pass through bench/workerd.sh unchanged.
 */
export function inspectWorker(port: number, name: string): void {
  // The binary Miniflare itself would start (the `workerd` package, a dependency of wrangler).
  const fromMiniflare = createRequire(createRequire(import.meta.url).resolve('miniflare'));
  process.env.BENCH_WORKERD = (fromMiniflare('workerd') as { default: string }).default;
  process.env.BENCH_INSPECTOR_PORT = String(port);
  process.env.BENCH_INSPECT = `core:user:${name}`;
  process.env.MINIFLARE_WORKERD_PATH = join(ROOT, 'bench/workerd.sh');
}

/**
 * The JS heap Worker `name` still uses once garbage collected, in MB. workerd runs the collection
 * the next time the isolate runs, so `wake` (any cheap request to the Worker) is repeated until
 * the collection is done.
 */
export async function liveHeapMb(
  port: number,
  name: string,
  wake: () => Promise<unknown>,
): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/core:user:${name}`);
  await new Promise((done, fail) => {
    ws.once('open', done);
    ws.once('error', fail);
  });
  const answers = new Map<number, unknown>();
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) answers.set(message.id, message.result ?? null);
  });
  const answer = async (id: number, method: string, poke: boolean) => {
    ws.send(JSON.stringify({ id, method }));
    const deadline = Date.now() + 30_000;
    while (!answers.has(id)) {
      if (Date.now() > deadline) throw new Error(`DevTools ${method}: no answer in 30 s`);
      if (poke) await wake();
      await new Promise((done) => setTimeout(done, 100));
    }
    return answers.get(id);
  };
  try {
    await answer(1, 'HeapProfiler.collectGarbage', true);
    const usage = (await answer(2, 'Runtime.getHeapUsage', false)) as { usedSize: number };
    return usage.usedSize / 2 ** 20;
  } finally {
    ws.close();
  }
}
