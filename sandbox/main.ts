import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSandboxCredentials, type SandboxCredentials } from './credentials.ts';
import { startSandbox } from './server.ts';

async function loadCredentials(file: string): Promise<SandboxCredentials> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SandboxCredentials;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const credentials = await generateSandboxCredentials();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8790' },
    credentials: { type: 'string', default: '.local/sandbox-credentials.json' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`sandbox: invalid --port ${values.port}`);
  process.exit(2);
}
const trust = await loadCredentials(values.credentials);
const sandbox = await startSandbox({ host: values.host, port, trust });
console.log(`sandbox providers listening on ${sandbox.url}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  sandbox.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('sandbox: close failed:', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
