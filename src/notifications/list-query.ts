/**
 * The query of GET /mobile/system/notifications/notifications (api-contract.md, Notifications):
 * parsed into a typed filter and order (pure), and the SQL of both. Every filter binds at most
 * one parameter, so a list statement binds at most 12.
 *
 * Decided where the contract is silent: `...OnOrAfter` and `...OnOrBefore` are both inclusive
 * and take ISO 8601 with a zone (as `sendOn`); `q` matches tags ignoring ASCII case (SQLite's
 * `lower`); `platform` orders by the notification's platform filter in the stored request;
 * `status` orders by name; an absent value (no tag, not processed, ...) sorts first ascending;
 * ties end in id order.
 */
import { and, asc, desc, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { notifications } from '../db/schema';
import { LimitSchema, OffsetSchema, ParamSchema } from '../http/paging';
import { parseOrThrow } from '../http/validate';
import { parseSendOn } from './send-on';

export const ORDER_ATTRIBUTES = [
  'id',
  'status',
  'tag',
  'platform',
  'sendOn',
  'createdOn',
  'processedOn',
] as const;
export type OrderAttribute = (typeof ORDER_ATTRIBUTES)[number];
export type OrderTerm = { attribute: OrderAttribute; direction: 'asc' | 'desc' };

const ORDER_HELP =
  `orderBy is a comma list of attr[:asc|desc], attr one of ${ORDER_ATTRIBUTES.join(', ')}, ` +
  'each at most once.';

/** One `attr[:asc|desc]` term (the direction ignoring case), or null. */
function orderTerm(text: string): OrderTerm | null {
  const [name, direction = 'asc', ...rest] = text.trim().split(':');
  const attribute = ORDER_ATTRIBUTES.find((a) => a === name);
  const lower = direction.toLowerCase();
  if (!attribute || rest.length > 0 || (lower !== 'asc' && lower !== 'desc')) return null;
  return { attribute, direction: lower };
}

/** `attr[:asc|desc]`, comma separated, each attribute at most once. */
const OrderBySchema = ParamSchema.transform((text, ctx) => {
  const terms: OrderTerm[] = [];
  for (const part of text.split(',')) {
    const term = orderTerm(part);
    if (!term || terms.some((t) => t.attribute === term.attribute)) {
      ctx.addIssue({ code: 'custom', message: ORDER_HELP });
      return z.NEVER;
    }
    terms.push(term);
  }
  return terms;
});

/** An instant: ISO 8601 with `Z` or an offset, to epoch milliseconds. */
const InstantSchema = ParamSchema.transform((text, ctx) => {
  const parsed = parseSendOn(text);
  if (parsed.ok) return parsed.at;
  ctx.addIssue({
    code: 'custom',
    message: 'An ISO 8601 date and time with a zone is expected, e.g. 2030-06-15T06:00:00.000Z.',
  });
  return z.NEVER;
});

export const ListQuerySchema = z.object({
  status: z
    .enum(notifications.status.enumValues, {
      error: `status is one of ${notifications.status.enumValues.join(', ')}.`,
    })
    .optional(),
  tag: ParamSchema.optional(),
  q: ParamSchema.transform((q) => (q === '' ? undefined : q)).optional(),
  createdOnOrAfter: InstantSchema.optional(),
  createdOnOrBefore: InstantSchema.optional(),
  processedOnOrAfter: InstantSchema.optional(),
  processedOnOrBefore: InstantSchema.optional(),
  sendOnOrAfter: InstantSchema.optional(),
  sendOnOrBefore: InstantSchema.optional(),
  orderBy: OrderBySchema.default([{ attribute: 'id', direction: 'asc' }]),
  limit: LimitSchema.default(1000),
  offset: OffsetSchema.default(0),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

/** The typed query, or a 400 naming every bad parameter (`$.orderBy`, ...). Unknown ones pass. */
export function parseListQuery(params: Record<string, string | string[]>): ListQuery {
  return parseOrThrow(ListQuerySchema, params, 'query parameters');
}

const PLATFORM = sql`json_extract(${notifications.request}, '$.platform')`;

const ORDER_COLUMNS = {
  id: notifications.id,
  status: notifications.status,
  tag: notifications.tag,
  platform: PLATFORM,
  sendOn: notifications.sendOn,
  createdOn: notifications.createdOn,
  processedOn: notifications.processedOn,
} as const;

/** The backend's notifications that match every given filter. */
export function listWhere(backendId: string, query: ListQuery): SQL | undefined {
  const n = notifications;
  const bounds = [
    [n.createdOn, query.createdOnOrAfter, query.createdOnOrBefore],
    [n.processedOn, query.processedOnOrAfter, query.processedOnOrBefore],
    [n.sendOn, query.sendOnOrAfter, query.sendOnOrBefore],
  ] as const;
  return and(
    eq(n.backendId, backendId),
    query.status === undefined ? undefined : eq(n.status, query.status),
    query.tag === undefined ? undefined : eq(n.tag, query.tag),
    query.q === undefined ? undefined : sql`instr(lower(${n.tag}), lower(${query.q})) > 0`,
    ...bounds.flatMap(([column, from, to]) => [
      from === undefined ? undefined : gte(column, from),
      to === undefined ? undefined : lte(column, to),
    ]),
  );
}

/** ORDER BY terms: the requested ones, then id ascending unless id is among them. */
export function listOrder(query: ListQuery): SQL[] {
  const terms = query.orderBy.map(({ attribute, direction }) =>
    direction === 'desc' ? desc(ORDER_COLUMNS[attribute]) : asc(ORDER_COLUMNS[attribute]),
  );
  if (!query.orderBy.some((t) => t.attribute === 'id')) terms.push(asc(notifications.id));
  return terms;
}
