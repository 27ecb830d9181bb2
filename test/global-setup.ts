import type { TestProject } from 'vitest/node';
import { generateSandboxCredentials, type SandboxCredentials } from '../sandbox/credentials.ts';
import { startSandbox } from '../sandbox/server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    sandboxUrl: string;
    sandboxCredentials: SandboxCredentials;
  }
}

/** Starts the sandbox providers once for the whole run and tells the workers where they are. */
export default async function setup(project: TestProject) {
  const credentials = await generateSandboxCredentials();
  const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, trust: credentials });
  project.provide('sandboxUrl', sandbox.url);
  project.provide('sandboxCredentials', credentials);
  return async () => {
    await sandbox.close();
  };
}
