/**
 * The design's constants as the source states them (`export const NAME = 123;` in src/, and
 * wrangler.toml's consumer settings), so the benchmark and the simulation never drift from
 * the code they describe.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function find(file: string, pattern: RegExp, what: string): number {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const value = Number(pattern.exec(text)?.[1]?.replaceAll('_', ''));
  if (!Number.isFinite(value)) throw new Error(`${file}: ${what} not found`);
  return value;
}

/** `export const name = <number>;` in `file` (under src/). */
export const constantIn = (file: string, name: string) =>
  find(join('src', file), new RegExp(`^(?:export )?const ${name} = ([\\d_]+);`, 'm'), name);

/** A numeric setting of the queue consumer in wrangler.toml. */
const consumerSetting = (key: string) =>
  find('wrangler.toml', new RegExp(`^${key}\\s*=\\s*(\\d+)`, 'm'), key);

export const design = {
  pageSize: constantIn('fanout/coordinator.ts', 'PAGE_SIZE'),
  batchDevices: constantIn('fanout/plan.ts', 'BATCH_DEVICES'),
  chunk: constantIn('fanout/deliver.ts', 'CHUNK'),
  connections: constantIn('fanout/deliver.ts', 'CONCURRENCY'),
  messagesPerSendBatch: constantIn('fanout/coordinator.ts', 'SEND_BATCH_MESSAGES'),
  queueBatchSize: consumerSetting('max_batch_size'),
};
