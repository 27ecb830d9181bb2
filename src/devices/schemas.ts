/** Request bodies of the device registry (api-contract.md, Device registry). */
import { z } from 'zod';
import { PLATFORMS } from '../providers/types';

const ProviderNameSchema = z.enum(['APNS', 'GCM', 'FCM', 'WNS', 'SYNIVERSE']);

export const RegisterDeviceSchema = z.object({
  notificationToken: z.string(),
  notificationProvider: ProviderNameSchema.optional(),
  mobileClient: z.object({
    id: z.string().min(1),
    version: z.string().min(1),
    platform: z.enum(PLATFORMS),
  }),
  user: z.string().min(1).max(256).optional(),
});
export type RegisterDevice = z.infer<typeof RegisterDeviceSchema>;

export const DeregisterDeviceSchema = z.object({
  notificationToken: z.string(),
  notificationProvider: ProviderNameSchema.optional(),
  mobileClient: z.object({ id: z.string().min(1), platform: z.enum(PLATFORMS) }),
});
export type DeregisterDevice = z.infer<typeof DeregisterDeviceSchema>;
