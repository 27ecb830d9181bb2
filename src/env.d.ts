/**
 * Worker secrets (`wrangler secret put ...`); the rest of Env is generated into
 * worker-configuration.d.ts by `npm run types`.
 */
declare namespace Cloudflare {
  interface Env {
    /** Base64 of 32 random bytes: AES-GCM key for profile credentials at rest. */
    CREDENTIALS_KEY: string;
    /** HMAC key for the OAuth access tokens this service issues. */
    TOKEN_SIGNING_KEY: string;
  }
}
