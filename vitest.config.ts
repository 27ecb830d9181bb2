import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => {
      const sandboxUrl = inject('sandboxUrl');
      return {
        main: './src/index.ts',
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            MIGRATIONS: await readD1Migrations('./migrations'),
            SANDBOX_URL: sandboxUrl,
            SANDBOX_CREDENTIALS: inject('sandboxCredentials'),
            APNS_PRODUCTION_URL: `${sandboxUrl}/apns/production`,
            APNS_DEVELOPMENT_URL: `${sandboxUrl}/apns/development`,
            FCM_URL: `${sandboxUrl}/fcm`,
            GOOGLE_TOKEN_URL: `${sandboxUrl}/google/token`,
            WNS_LOGIN_URL: `${sandboxUrl}/wns/accesstoken.srf`,
            WNS_ENTRA_URL: `${sandboxUrl}/entra`,
            WNS_CHANNEL_ORIGINS: sandboxUrl,
            SYNIVERSE_URL: `${sandboxUrl}/syniverse/scg-external-api/api/v1`,
            SYNIVERSE_TOKEN_URL: `${sandboxUrl}/syniverse/saop-rest-data/v1/apptoken-refresh`,
            RETRY_BACKOFF_BASE_SECONDS: '0',
            CREDENTIALS_KEY: 'dGVzdC1vbmx5LWNyZWRlbnRpYWxzLWtleS0zMmJ5dGU=',
            TOKEN_SIGNING_KEY: 'test-only-token-signing-key',
          },
        },
      };
    }),
  ],
  test: {
    globalSetup: ['./test/global-setup.ts'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
