/** Everything the sandbox trusts and a sender needs; strings only, so it survives JSON. */
export type SandboxCredentials = {
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
  /** `consumerKey`/`consumerSecret` refresh app tokens (absent in files made before them). */
  syniverse: { appToken: string; senderId: string; consumerKey?: string; consumerSecret?: string };
};
