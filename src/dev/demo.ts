/**
 * The local demo data (`npm start` and the tests): one backend with an Administrator, a mobile
 * user, a client per platform and a profile per provider whose credentials the sandbox
 * providers trust. Idempotent: running it again updates the same rows.
 */
import { eq } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { z } from 'zod';
import { hashPassword } from '../crypto/password';
import {
  backendMembers,
  backends,
  clientProfiles,
  clients,
  mobileUsers,
  profiles,
  teamMembers,
} from '../db/schema';
import { sealCredentials } from '../profiles/credentials';
import {
  PLATFORMS,
  type Platform,
  type ProfileCredentials,
  type Provider,
} from '../providers/types';

export const DemoSeedSchema = z.object({
  backendId: z.string().min(1).default('7d0c5c36-3a2b-4c8e-9d7e-5e1f0a6b9c01'),
  backendName: z.string().min(1).default('demo'),
  admin: z
    .object({ username: z.string(), password: z.string() })
    .default({ username: 'demo-admin', password: 'demo-admin-password' }),
  mobileUser: z
    .object({ username: z.string(), password: z.string() })
    .default({ username: 'pat', password: 'pat-password' }),
  anonymousSecret: z.string().default('demo-anonymous-secret'),
  oauth: z
    .object({ clientId: z.string(), clientSecret: z.string() })
    .default({ clientId: 'demo-client', clientSecret: 'demo-client-secret' }),
  appId: z.string().default('com.example.shop'),
  version: z.string().default('1.0'),
  credentials: z.object({
    apns: z.object({
      teamId: z.string(),
      keyId: z.string(),
      bundleId: z.string(),
      privateKeyPem: z.string(),
    }),
    fcm: z.object({
      projectId: z.string(),
      clientEmail: z.string(),
      privateKeyId: z.string(),
      privateKeyPem: z.string(),
    }),
    wns: z.object({ packageSid: z.string(), clientSecret: z.string() }),
    syniverse: z.object({
      appToken: z.string(),
      senderId: z.string(),
      consumerKey: z.string().optional(),
      consumerSecret: z.string().optional(),
    }),
  }),
});
export type DemoSeed = z.input<typeof DemoSeedSchema>;

const SERVES: Record<Provider, Platform[]> = {
  APNS: ['IOS', 'WEB'],
  FCM: ['ANDROID', 'WEB'],
  WNS: ['WINDOWS'],
  SYNIVERSE: [...PLATFORMS],
};

export async function seedDemo(db: DrizzleD1Database, credentialsKey: string, input: DemoSeed) {
  const seed = DemoSeedSchema.parse(input);
  const now = Date.now();
  const backendId = seed.backendId;
  const anonymousKey = btoa(`${seed.backendName.toUpperCase()}_ANONYMOUS:${seed.anonymousSecret}`);
  const clientSecretHash = await hashPassword(seed.oauth.clientSecret);
  const adminHash = await hashPassword(seed.admin.password);
  const userHash = await hashPassword(seed.mobileUser.password);

  await db
    .insert(backends)
    .values({
      id: backendId,
      name: seed.backendName,
      anonymousKey,
      oauthClientId: seed.oauth.clientId,
      oauthClientSecretHash: clientSecretHash,
      createdOn: now,
    })
    .onConflictDoUpdate({
      target: backends.id,
      set: { anonymousKey, oauthClientSecretHash: clientSecretHash },
    });

  const memberId = `member-${backendId}`;
  await db
    .insert(teamMembers)
    .values({
      id: memberId,
      username: seed.admin.username,
      passwordHash: adminHash,
      role: 'Administrator',
      createdOn: now,
    })
    .onConflictDoUpdate({ target: teamMembers.username, set: { passwordHash: adminHash } });
  const [member] = await db
    .select({ id: teamMembers.id })
    .from(teamMembers)
    .where(eq(teamMembers.username, seed.admin.username));
  await db
    .insert(backendMembers)
    .values({ backendId, memberId: member?.id ?? memberId })
    .onConflictDoNothing();

  await db
    .insert(mobileUsers)
    .values({
      id: `user-${backendId}`,
      backendId,
      username: seed.mobileUser.username,
      passwordHash: userHash,
      createdOn: now,
    })
    .onConflictDoUpdate({
      target: [mobileUsers.backendId, mobileUsers.username],
      set: { passwordHash: userHash },
    });

  const clientIds = {} as Record<Platform, string>;
  for (const platform of PLATFORMS) {
    const id = `client-${platform.toLowerCase()}-${backendId}`;
    clientIds[platform] = id;
    await db
      .insert(clients)
      .values({
        id,
        backendId,
        name: `shop-${platform.toLowerCase()}`,
        displayName: `Shop (${platform})`,
        platform,
        appId: seed.appId,
        versions: JSON.stringify([seed.version]),
        createdOn: now,
      })
      .onConflictDoUpdate({
        target: clients.id,
        set: { versions: JSON.stringify([seed.version]) },
      });
  }

  const { apns, fcm, wns, syniverse } = seed.credentials;
  const byProvider: Record<Provider, ProfileCredentials> = {
    APNS: { provider: 'APNS', ...apns, environment: 'development' },
    FCM: { provider: 'FCM', ...fcm },
    WNS: { provider: 'WNS', flow: 'classic', ...wns },
    SYNIVERSE: {
      provider: 'SYNIVERSE',
      appToken: syniverse.appToken,
      from: `sender_id:${syniverse.senderId}`,
      ...(syniverse.consumerKey && syniverse.consumerSecret
        ? { consumerKey: syniverse.consumerKey, consumerSecret: syniverse.consumerSecret }
        : {}),
    },
  };
  for (const [provider, credentials] of Object.entries(byProvider) as [
    Provider,
    ProfileCredentials,
  ][]) {
    const id = `profile-${provider.toLowerCase()}-${backendId}`;
    const sealed = await sealCredentials(credentialsKey, credentials);
    await db
      .insert(profiles)
      .values({
        id,
        backendId,
        name: `demo-${provider.toLowerCase()}`,
        provider,
        appId: provider === 'SYNIVERSE' ? null : seed.appId,
        ...sealed,
        createdOn: now,
        modifiedOn: now,
      })
      .onConflictDoUpdate({ target: profiles.id, set: { ...sealed, modifiedOn: now } });
    for (const platform of SERVES[provider]) {
      await db
        .insert(clientProfiles)
        .values({ clientId: clientIds[platform], profileId: id, provider })
        .onConflictDoNothing();
    }
  }

  return {
    backendId,
    anonymousKey,
    admin: seed.admin,
    mobileUser: seed.mobileUser,
    oauth: seed.oauth,
    clients: Object.fromEntries(
      PLATFORMS.map((p) => [p, { id: seed.appId, version: seed.version }]),
    ) as Record<Platform, { id: string; version: string }>,
  };
}
