/** Request body of POST /mobile/system/notifications/notifications (api-contract.md). */
import { z } from 'zod';
import { TemplateSchema, UnifiedPayloadSchema } from '../payload/schemas';
import { PLATFORMS } from '../providers/types';

export const MAX_TOKENS = 1000;
export const MAX_USERS = 1000;

export const SendNotificationSchema = z
  .object({
    message: z.string().min(1).optional(),
    template: TemplateSchema.optional(),
    payload: UnifiedPayloadSchema.optional(),
    notificationTokens: z
      .array(z.string().min(1))
      .min(1)
      .max(MAX_TOKENS)
      .refine((list) => new Set(list).size === list.length, 'Tokens must be unique.')
      .optional(),
    users: z.array(z.string().min(1)).min(1).max(MAX_USERS).optional(),
    platform: z.enum(PLATFORMS).optional(),
    provider: z.enum(['APNS', 'GCM', 'FCM', 'WNS', 'SYNIVERSE']).optional(),
    tag: z.string().max(256).optional(),
    sendOn: z.string().optional(),
  })
  .refine((n) => n.message !== undefined || n.template || n.payload, {
    message: 'At least one of message, template or payload is required.',
    path: ['message'],
  });
export type SendNotification = z.infer<typeof SendNotificationSchema>;

/** What is kept in notifications.request: the submitted fields, provider canonical. */
export const StoredRequestSchema = z.object({
  message: z.string().optional(),
  template: TemplateSchema.optional(),
  payload: UnifiedPayloadSchema.optional(),
  notificationTokens: z.array(z.string()).optional(),
  users: z.array(z.string()).optional(),
  platform: z.enum(PLATFORMS).optional(),
  provider: z.enum(['APNS', 'FCM', 'WNS', 'SYNIVERSE']).optional(),
  tag: z.string().optional(),
});
export type StoredRequest = z.infer<typeof StoredRequestSchema>;

export const PlatformCountsSchema = z.array(
  z.object({
    platform: z.enum(PLATFORMS),
    deviceCount: z.number().int(),
    successCount: z.number().int(),
  }),
);
export type PlatformCounts = z.infer<typeof PlatformCountsSchema>;
