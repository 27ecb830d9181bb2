/** The content part of a send request: message, #default template, unified payload. */
import { z } from 'zod';

export const TemplateSchema = z.object({
  name: z.string(),
  parameters: z
    .object({
      title: z.string().optional(),
      body: z.string().optional(),
      badge: z.number().int().min(0).optional(),
      sound: z.string().optional(),
      custom: z.record(z.string(), z.unknown()).optional(),
    })
    .default({}),
});
export type Template = z.infer<typeof TemplateSchema>;

export const UnifiedPayloadSchema = z.object({
  services: z
    .object({
      apns: z.record(z.string(), z.unknown()).optional(),
      fcm: z.record(z.string(), z.unknown()).optional(),
      wns: z.union([z.string(), z.object({ type: z.literal('raw'), body: z.string() })]).optional(),
      syniverse: z.string().optional(),
    })
    .default({}),
});
export type UnifiedPayload = z.infer<typeof UnifiedPayloadSchema>;

export type NotificationContent = {
  message?: string;
  template?: Template;
  payload?: UnifiedPayload;
};
