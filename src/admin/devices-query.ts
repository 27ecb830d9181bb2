/**
 * The device registry list of the administration API: its query (filters and paging, pure), the
 * SQL of the filters, and a device as the API shows it. A list binds at most 9 parameters.
 */
import { and, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { devices } from '../db/schema';
import { canonicalProvider, MAX_TOKEN_BYTES } from '../devices/tokens';
import { LimitSchema, OffsetSchema, ParamSchema } from '../http/paging';
import { formatTimestamp } from '../http/time';
import { parseOrThrow } from '../http/validate';
import { PLATFORMS } from '../providers/types';

const PROVIDER_NAMES = ['APNS', 'GCM', 'FCM', 'WNS', 'SYNIVERSE'] as const;

export const DeviceListQuerySchema = z.object({
  user: ParamSchema.min(1, 'user is a user name.').optional(),
  platform: z.enum(PLATFORMS, { error: `platform is one of ${PLATFORMS.join(', ')}.` }).optional(),
  provider: z
    .enum(PROVIDER_NAMES, { error: `provider is one of ${PROVIDER_NAMES.join(', ')}.` })
    .transform(canonicalProvider)
    .optional(),
  tokenPrefix: ParamSchema.min(1, 'tokenPrefix is the start of a token.')
    .refine(
      (prefix) => new TextEncoder().encode(prefix).byteLength <= MAX_TOKEN_BYTES,
      `tokenPrefix is at most ${MAX_TOKEN_BYTES} bytes.`,
    )
    .optional(),
  limit: LimitSchema.default(1000),
  offset: OffsetSchema.default(0),
});
export type DeviceListQuery = z.infer<typeof DeviceListQuerySchema>;

/** The typed query, or a 400 naming every bad parameter. Unknown parameters are ignored. */
export function parseDeviceListQuery(params: Record<string, string | string[]>): DeviceListQuery {
  return parseOrThrow(DeviceListQuerySchema, params, 'query parameters');
}

/** The backend's devices that match every given filter (tokenPrefix: case-sensitive). */
export function deviceWhere(backendId: string, query: DeviceListQuery): SQL | undefined {
  const d = devices;
  return and(
    eq(d.backendId, backendId),
    query.user === undefined ? undefined : eq(d.user, query.user),
    query.platform === undefined ? undefined : eq(d.platform, query.platform),
    query.provider === undefined ? undefined : eq(d.provider, query.provider),
    query.tokenPrefix === undefined ? undefined : startsWith(d.token, query.tokenPrefix),
  );
}

/** `column` starts with `prefix`, as a range the (backend, token) index can serve. */
function startsWith(column: typeof devices.token, prefix: string): SQL | undefined {
  const upper = prefixUpperBound(prefix);
  return and(
    gte(column, prefix),
    upper === null ? undefined : lt(column, upper),
    sql`instr(${column}, ${prefix}) = 1`,
  );
}

/**
 * The least string above every string that starts with `prefix` (last character plus one), or
 * null when that character has no simple successor. Text compares by UTF-8 bytes, which keeps
 * code point order. Pure.
 */
export function prefixUpperBound(prefix: string): string | null {
  const last = prefix.charCodeAt(prefix.length - 1);
  if (Number.isNaN(last) || last >= 0xd7ff) return null;
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

type DeviceRow = typeof devices.$inferSelect;

/** A registered device: the register answer's fields plus the client's id and timestamps. */
export function deviceView(row: DeviceRow, appId: string) {
  return {
    id: row.id,
    user: row.user,
    notificationProvider: row.provider,
    notificationToken: row.token,
    mobileClient: { id: appId, version: row.appVersion, platform: row.platform },
    clientId: row.clientId,
    createdOn: formatTimestamp(row.createdOn),
    modifiedOn: formatTimestamp(row.modifiedOn),
  };
}
