/** Bindings only the tests have (see vitest.config.ts). */
declare namespace Cloudflare {
  interface Env {
    MIGRATIONS: import('cloudflare:test').D1Migration[];
    SANDBOX_URL: string;
    SANDBOX_CREDENTIALS: import('../sandbox/credential-types').SandboxCredentials;
  }
}
