/** The stored notification as the API returns it (api-contract.md, Stored notification). */
import type { notifications } from '../db/schema';
import { formatTimestamp } from '../http/time';
import { composeFor } from '../payload/compose';
import { countSmsSegments } from '../payload/sms-segments';
import { targetedProviders } from '../payload/targets';
import { PlatformCountsSchema, type StoredRequest, StoredRequestSchema } from './schemas';

export const NOTIFICATIONS_PATH = '/mobile/system/notifications/notifications';

type Row = typeof notifications.$inferSelect;

export function notificationUrl(origin: string, id: number): string {
  return `${origin}${NOTIFICATIONS_PATH}/${id}`;
}

export function notificationView(row: Row, origin: string) {
  const request = StoredRequestSchema.parse(JSON.parse(row.request));
  const href = notificationUrl(origin, row.id);
  return {
    ...request,
    id: row.id,
    status: row.status,
    createdOn: formatTimestamp(row.createdOn),
    ...(row.processedOn !== null ? { processedOn: formatTimestamp(row.processedOn) } : {}),
    ...(row.sendOn !== null ? { sendOn: formatTimestamp(row.sendOn) } : {}),
    deviceCount: row.deviceCount,
    successCount: row.successCount,
    ...smsSegments(request),
    ...(row.errorMessage !== null ? { errorMessage: row.errorMessage } : {}),
    platformCounts: PlatformCountsSchema.parse(JSON.parse(row.platformCounts)),
    links: [
      { rel: 'canonical', href },
      { rel: 'self', href },
    ],
  };
}

/**
 * `smsSegments` (providers.md §6) whenever SMS can be a target: the filters allow SYNIVERSE and
 * the content gives it a text. Derived from the stored request, so nothing else is stored.
 */
function smsSegments(request: StoredRequest): { smsSegments?: number } {
  if (!targetedProviders(request).includes('SYNIVERSE')) return {};
  const sms = composeFor('SYNIVERSE', request);
  if (!sms.ok || sms.payload.provider !== 'SYNIVERSE') return {};
  return { smsSegments: countSmsSegments(sms.payload.text).segments };
}
