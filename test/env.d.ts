/** Bindings only the tests have (see vitest.config.ts); SANDBOX_CREDENTIALS mirrors sandbox/credentials.ts. */
declare namespace Cloudflare {
  interface Env {
    MIGRATIONS: import('cloudflare:test').D1Migration[];
    SANDBOX_URL: string;
    SANDBOX_CREDENTIALS: {
      apns: {
        teamId: string;
        keyId: string;
        bundleId: string;
        privateKeyPem: string;
        publicKeyPem: string;
      };
      fcm: {
        projectId: string;
        clientEmail: string;
        privateKeyId: string;
        privateKeyPem: string;
        publicKeyPem: string;
      };
      wns: { packageSid: string; clientSecret: string; tenantId: string; clientId: string };
      syniverse: {
        appToken: string;
        senderId: string;
        consumerKey?: string;
        consumerSecret?: string;
      };
    };
  }
}
