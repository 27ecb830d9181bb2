/** The stored notification as the API returns it (api-contract.md, Stored notification). */
import type { notifications } from '../db/schema';
import { formatTimestamp } from '../http/time';
import { PlatformCountsSchema, StoredRequestSchema } from './schemas';

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
    ...(row.errorMessage !== null ? { errorMessage: row.errorMessage } : {}),
    platformCounts: PlatformCountsSchema.parse(JSON.parse(row.platformCounts)),
    links: [
      { rel: 'canonical', href },
      { rel: 'self', href },
    ],
  };
}
