/**
 * Counts the batch reports a backend's coordinator has taken for a send, read from its Durable
 * Object storage on disk (`done:<notificationId>:<batchId>` keys, src/fanout/job.ts) with the
 * sqlite3 CLI, read-only. Answers null when sqlite3 or the files are not there.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

function storageFiles(dir: string): string[] {
  const root = join(dir, '.wrangler/state/v3/do');
  try {
    return readdirSync(root)
      .filter((name) => name.endsWith('-BackendCoordinator'))
      .flatMap((name) =>
        readdirSync(join(root, name))
          .filter((file) => file.endsWith('.sqlite'))
          .map((file) => join(root, name, file)),
      );
  } catch {
    return [];
  }
}

export async function batchReports(dir: string, notificationId: number): Promise<number | null> {
  const sql = `SELECT count(*) FROM _cf_KV WHERE key LIKE 'done:${notificationId}:%';`;
  let total: number | null = null;
  for (const file of storageFiles(dir)) {
    try {
      const { stdout } = await run('sqlite3', ['-readonly', file, sql], { timeout: 5_000 });
      total = (total ?? 0) + Number(stdout.trim());
    } catch {
      // no sqlite3, or the file is busy: no figure from this file
    }
  }
  return total;
}
