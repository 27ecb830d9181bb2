import { generateKeyPair, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { SandboxCredentials } from './credential-types.ts';
import { randomBase62 } from './ids.ts';

export type { SandboxCredentials };

type PemKeyPair = { publicKey: string; privateKey: string };
const PEM = {
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
} as const;
const settle =
  (resolve: (pair: PemKeyPair) => void, reject: (error: Error) => void) =>
  (error: Error | null, publicKey: string, privateKey: string) =>
    error ? reject(error) : resolve({ publicKey, privateKey });
const p256 = () =>
  new Promise<PemKeyPair>((resolve, reject) =>
    generateKeyPair('ec', { namedCurve: 'prime256v1', ...PEM }, settle(resolve, reject)),
  );
const rsa2048 = () =>
  new Promise<PemKeyPair>((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048, ...PEM }, settle(resolve, reject)),
  );

const appleId = () => randomBase62(10, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
const packageSid = () =>
  `ms-app://S-1-15-2-${Array.from({ length: 7 }, () => randomInt(1, 2 ** 32)).join('-')}`;

/** Fresh keys and secrets for one sandbox: APNs P-256 .p8, FCM RSA-2048, WNS, Syniverse. */
export async function generateSandboxCredentials(): Promise<SandboxCredentials> {
  const [apnsKeys, fcmKeys] = await Promise.all([p256(), rsa2048()]);
  return {
    apns: {
      teamId: appleId(),
      keyId: appleId(),
      bundleId: 'com.example.shop',
      privateKeyPem: apnsKeys.privateKey,
      publicKeyPem: apnsKeys.publicKey,
    },
    fcm: {
      projectId: 'demo-project',
      clientEmail: 'pushgate@demo-project.iam.gserviceaccount.com',
      privateKeyId: randomBytes(20).toString('hex'),
      privateKeyPem: fcmKeys.privateKey,
      publicKeyPem: fcmKeys.publicKey,
    },
    wns: {
      packageSid: packageSid(),
      clientSecret: randomBase62(32),
      tenantId: randomUUID(),
      clientId: randomUUID(),
    },
    syniverse: {
      appToken: randomBase62(40),
      senderId: randomBase62(22),
      consumerKey: randomBase62(24),
      consumerSecret: randomBase62(32),
    },
  };
}
