/**
 * D1 tables. Changed only through SQL migrations in `migrations/` (generated from this file with
 * `npm run db:generate`). Times are epoch milliseconds; JSON columns hold validated shapes.
 */
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

export const backends = sqliteTable('backends', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** The value a client sends as `Authorization: Basic <anonymousKey>`. */
  anonymousKey: text('anonymous_key').notNull().unique(),
  oauthClientId: text('oauth_client_id').notNull().unique(),
  oauthClientSecretHash: text('oauth_client_secret_hash').notNull(),
  /** JSON object of policy name to value, e.g. Notifications_DeviceCountWarningThreshold. */
  policies: text('policies').notNull().default('{}'),
  createdOn: integer('created_on').notNull(),
});

export const teamMembers = sqliteTable('team_members', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['Administrator', 'Developer'] }).notNull(),
  createdOn: integer('created_on').notNull(),
});

/** Which backends a team member may work on. */
export const backendMembers = sqliteTable(
  'backend_members',
  {
    backendId: text('backend_id')
      .notNull()
      .references(() => backends.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => teamMembers.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.backendId, t.memberId] })],
);

export const mobileUsers = sqliteTable(
  'mobile_users',
  {
    id: text('id').primaryKey(),
    backendId: text('backend_id')
      .notNull()
      .references(() => backends.id, { onDelete: 'cascade' }),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdOn: integer('created_on').notNull(),
  },
  (t) => [uniqueIndex('mobile_users_backend_username').on(t.backendId, t.username)],
);

export const clients = sqliteTable(
  'clients',
  {
    id: text('id').primaryKey(),
    backendId: text('backend_id')
      .notNull()
      .references(() => backends.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    displayName: text('display_name').notNull(),
    platform: text('platform', { enum: ['IOS', 'ANDROID', 'WINDOWS', 'WEB'] }).notNull(),
    appId: text('app_id').notNull(),
    /** JSON array of version strings. */
    versions: text('versions').notNull().default('[]'),
    createdOn: integer('created_on').notNull(),
  },
  (t) => [
    uniqueIndex('clients_backend_platform_app').on(t.backendId, t.platform, t.appId),
    uniqueIndex('clients_backend_name').on(t.backendId, t.name),
  ],
);

export const profiles = sqliteTable(
  'profiles',
  {
    id: text('id').primaryKey(),
    backendId: text('backend_id')
      .notNull()
      .references(() => backends.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    provider: text('provider', { enum: ['APNS', 'FCM', 'WNS', 'SYNIVERSE'] }).notNull(),
    /** Bundle id / package name / WNS app id; null for SYNIVERSE. */
    appId: text('app_id'),
    /** JSON of the non-secret settings (team id, key id, environment, project id, ...). */
    settings: text('settings').notNull(),
    /** AES-GCM ciphertext of the secret credentials JSON (see src/crypto/sealed.ts). */
    credentials: text('credentials').notNull(),
    fingerprint: text('fingerprint').notNull(),
    createdOn: integer('created_on').notNull(),
    modifiedOn: integer('modified_on').notNull(),
  },
  (t) => [uniqueIndex('profiles_backend_name').on(t.backendId, t.name)],
);

export const clientProfiles = sqliteTable(
  'client_profiles',
  {
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    profileId: text('profile_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['APNS', 'FCM', 'WNS', 'SYNIVERSE'] }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.clientId, t.profileId] }),
    uniqueIndex('client_profiles_client_provider').on(t.clientId, t.provider),
  ],
);

export const devices = sqliteTable(
  'devices',
  {
    id: text('id').primaryKey(),
    backendId: text('backend_id')
      .notNull()
      .references(() => backends.id, { onDelete: 'cascade' }),
    clientId: text('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['APNS', 'FCM', 'WNS', 'SYNIVERSE'] }).notNull(),
    token: text('token').notNull(),
    platform: text('platform', { enum: ['IOS', 'ANDROID', 'WINDOWS', 'WEB'] }).notNull(),
    user: text('user'),
    appVersion: text('app_version').notNull(),
    createdOn: integer('created_on').notNull(),
    modifiedOn: integer('modified_on').notNull(),
  },
  (t) => [
    uniqueIndex('devices_backend_provider_token').on(t.backendId, t.provider, t.token),
    index('devices_backend_id').on(t.backendId, t.id),
    index('devices_backend_user').on(t.backendId, t.user),
    index('devices_backend_token').on(t.backendId, t.token),
    /** The 60-day prune (src/maintenance/prune.ts) finds stale devices by this. */
    index('devices_modified_on').on(t.modifiedOn),
  ],
);

export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    backendId: text('backend_id')
      .notNull()
      .references(() => backends.id, { onDelete: 'cascade' }),
    /** JSON of the submitted fields (message, template, payload, targets, tag, sendOn). */
    request: text('request').notNull(),
    status: text('status', {
      enum: ['New', 'Scheduled', 'Sending', 'Sent', 'Warning', 'Error'],
    }).notNull(),
    tag: text('tag'),
    sendOn: integer('send_on'),
    createdOn: integer('created_on').notNull(),
    processedOn: integer('processed_on'),
    deviceCount: integer('device_count').notNull().default(0),
    successCount: integer('success_count').notNull().default(0),
    errorMessage: text('error_message'),
    /** JSON array of {platform, deviceCount, successCount}. */
    platformCounts: text('platform_counts').notNull().default(sql`'[]'`),
  },
  (t) => [index('notifications_backend_id').on(t.backendId, t.id)],
);

/**
 * What each device of a send got, recorded after every chunk of requests, so a redelivered or
 * retried batch never sends to a device twice (issue #5). `outcome` is the Outcome JSON.
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    notificationId: integer('notification_id').notNull(),
    deviceId: text('device_id').notNull(),
    attempt: integer('attempt').notNull(),
    outcome: text('outcome').notNull(),
    recordedOn: integer('recorded_on').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.notificationId, t.deviceId] }),
    index('deliveries_recorded_on').on(t.recordedOn),
  ],
);
