/**
 * Bulk device load for the large runs: registering tens of thousands of devices one API call at
 * a time costs more than the benchmark's time budget under `wrangler dev` (the rate is measured
 * and printed), so the rows the register route would write are loaded straight into the local
 * D1 with `wrangler d1 execute --local --file`, while the service is stopped. Client ids are
 * looked up in SQL (by backend, platform and app id), as the register route does.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Backend, deviceAt } from './devices.ts';

const ROWS_PER_STATEMENT = 200;
const APP_ID = 'com.example.shop';

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

function statement(backend: Backend, rows: string[], now: number): string {
  return [
    'INSERT INTO devices (id, backend_id, client_id, provider, token, platform, user,',
    '  app_version, created_on, modified_on)',
    `SELECT v.column1, ${quote(backend.id)}, c.id, v.column2, v.column3, v.column4,`,
    `  ${quote(backend.user)}, '1.0', ${now}, ${now}`,
    `FROM (VALUES ${rows.join(',')}) AS v`,
    `JOIN clients c ON c.backend_id = ${quote(backend.id)} AND c.platform = v.column4`,
    `  AND c.app_id = ${quote(APP_ID)};`,
  ].join('\n');
}

/** Loads devices 0..n-1 of `run` into `backend`; answers the seconds it took. */
export function bulkLoad(
  dir: string,
  sandboxUrl: string,
  backend: Backend,
  run: number,
  n: number,
): number {
  const started = performance.now();
  const now = Date.now();
  const statements: string[] = [];
  let rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const { provider, token, platform } = deviceAt(sandboxUrl, run, i);
    rows.push(`(${[randomUUID(), provider, token, platform].map(quote).join(',')})`);
    if (rows.length === ROWS_PER_STATEMENT || i === n - 1) {
      statements.push(statement(backend, rows, now));
      rows = [];
    }
  }
  const file = join(dir, `bulk-devices-${run}.sql`);
  writeFileSync(file, `${statements.join('\n')}\n`);
  const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
  const args = [wrangler, 'd1', 'execute', 'pushgate', '--local', '--yes', '--file', file];
  const result = spawnSync(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (result.status !== 0) {
    throw new Error(`bulk load of ${n} devices failed: ${result.stderr || result.stdout}`);
  }
  return (performance.now() - started) / 1000;
}
