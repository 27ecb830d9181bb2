/**
 * Shapes that cross the fan-out boundaries, validated on both sides:
 * - DeliveryBatch: coordinator → DELIVERIES queue → consumer (one provider profile per batch);
 * - BatchReport: consumer → coordinator (per batch, never per device).
 */
import { z } from 'zod';
import { PLATFORMS } from '../providers/types';

export const ProviderPayloadSchema = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('APNS'),
    body: z.string(),
    pushType: z.enum(['alert', 'background']),
    priority: z.union([z.literal(5), z.literal(10)]),
  }),
  z.object({ provider: z.literal('FCM'), message: z.record(z.string(), z.unknown()) }),
  z.object({
    provider: z.literal('WNS'),
    wnsType: z.enum(['wns/toast', 'wns/tile', 'wns/badge', 'wns/raw']),
    body: z.string(),
  }),
  z.object({ provider: z.literal('SYNIVERSE'), text: z.string() }),
]);

export const PlatformTallySchema = z.object({
  platform: z.enum(PLATFORMS),
  deviceCount: z.number().int().min(0),
  successCount: z.number().int().min(0),
});
export type PlatformTally = z.infer<typeof PlatformTallySchema>;

/** What earlier attempts of a batch settled, carried by the retry of its remaining devices. */
export const CarriedSchema = z.object({
  tallies: z.array(PlatformTallySchema),
  firstError: z.string().nullable(),
  suspects: z.array(z.string()),
  otherAnswers: z.number().int().min(0),
});
export type Carried = z.infer<typeof CarriedSchema>;

export const DeliveryBatchSchema = z.object({
  notificationId: z.number().int(),
  backendId: z.string(),
  batchId: z.number().int().min(0),
  profileId: z.string(),
  /** The profile's modifiedOn when the batch was planned: cached credentials of another go. */
  profileVersion: z.number().int().default(0),
  payload: ProviderPayloadSchema,
  devices: z
    .array(z.object({ id: z.string(), token: z.string(), platform: z.enum(PLATFORMS) }))
    .min(1),
  /** 1 for the first send; a retry of the devices that got "retry later" counts up. */
  attempt: z.number().int().min(1).default(1),
  carried: CarriedSchema.optional(),
});
export type DeliveryBatch = z.input<typeof DeliveryBatchSchema>;
export type ParsedDeliveryBatch = z.output<typeof DeliveryBatchSchema>;

export const BatchReportSchema = z.object({
  notificationId: z.number().int(),
  batchId: z.number().int().min(0),
  profileId: z.string(),
  tallies: z.array(PlatformTallySchema),
  firstError: z.string().nullable(),
  /** Set when the provider rejected the profile's credentials or configuration. */
  rejected: z.string().nullable(),
  /** Devices answered APNs BadDeviceToken: removed at the end unless every token said so. */
  suspects: z.array(z.string()),
  /** Answers of this batch that were not BadDeviceToken. */
  otherAnswers: z.number().int().min(0),
});
export type BatchReport = z.infer<typeof BatchReportSchema>;
