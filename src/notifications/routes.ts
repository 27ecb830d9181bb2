/** /mobile/system/notifications/notifications: send, read one, list. */

import { and, count, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { isTrusted } from '../auth/caller';
import { notifications } from '../db/schema';
import { canonicalProvider } from '../devices/tokens';
import { coordinatorOf } from '../fanout/coordinator';
import { type AppEnv, requireCaller } from '../http/context';
import { pageLinks, queryParams } from '../http/paging';
import { ApiError, badRequest, notFound } from '../http/problem';
import { readBody } from '../http/validate';
import { payloadProblems } from '../payload/problems';
import { targetedProviders } from '../payload/targets';
import type { Provider } from '../providers/types';
import { listOrder, listWhere, parseListQuery } from './list-query';
import { reachableProviders } from './reachable';
import { SendNotificationSchema, type StoredRequest } from './schemas';
import { parseSendOn, sendOnWindowError } from './send-on';
import { NOTIFICATIONS_PATH, notificationUrl, notificationView } from './view';

export const notificationRoutes = new Hono<AppEnv>();

notificationRoutes.use(
  '*',
  requireCaller(isTrusted, 'Only team members may send or read notifications.'),
);

notificationRoutes.post('/', async (c) => {
  const body = await readBody(c, SendNotificationSchema);
  const { backendId } = c.get('caller');
  const now = Date.now();

  const { sendOn: sendOnText, provider, ...fields } = body;
  const sendOn = sendOnText === undefined ? null : checkedSendOn(sendOnText, now);
  const request: StoredRequest = {
    ...fields,
    ...(provider ? { provider: canonicalProvider(provider) } : {}),
  };
  const possible = targetedProviders(request);
  checkPayloads(request, await reachableProviders(c.get('db'), backendId, possible));

  const scheduled = sendOn !== null && sendOn > now;
  const [row] = await c
    .get('db')
    .insert(notifications)
    .values({
      backendId,
      request: JSON.stringify(request),
      status: scheduled ? 'Scheduled' : 'New',
      tag: request.tag ?? null,
      sendOn,
      createdOn: now,
    })
    .returning();
  if (!row) throw new Error('notification insert returned no row');

  // The backend's coordinator owns the send from here (fan-out, counts, final status).
  const coordinator = coordinatorOf(c.env, backendId);
  try {
    await coordinator.submit(row.id, scheduled ? (sendOn ?? now) : now);
  } catch (error) {
    await c
      .get('db')
      .update(notifications)
      .set({ status: 'Error', errorMessage: 'The send could not be started.', processedOn: now })
      .where(eq(notifications.id, row.id));
    throw new ApiError(
      503,
      'UNAVAILABLE',
      'The send could not be started; try again.',
      [],
      {},
      error,
    );
  }

  const origin = new URL(c.req.url).origin;
  c.header('Location', notificationUrl(origin, row.id));
  return c.json(notificationView(row, origin), 201);
});

notificationRoutes.get('/:id{[0-9]+}', async (c) => {
  const param = c.req.param('id');
  const id = Number(param);
  if (!Number.isSafeInteger(id)) throw notFound(`Notification ${param} does not exist.`);
  const [row] = await c
    .get('db')
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.backendId, c.get('caller').backendId)))
    .limit(1);
  if (!row) throw notFound(`Notification ${id} does not exist.`);
  return c.json(notificationView(row, new URL(c.req.url).origin));
});

/** Cancels a Scheduled notification (api-contract.md): 204, then it is gone; unknown ids 204. */
notificationRoutes.delete('/:id{[0-9]+}', async (c) => {
  const param = c.req.param('id');
  const id = Number(param);
  const { backendId } = c.get('caller');
  const db = c.get('db');
  const mine = and(eq(notifications.id, id), eq(notifications.backendId, backendId));
  const [row] = Number.isSafeInteger(id)
    ? await db.select({ status: notifications.status }).from(notifications).where(mine).limit(1)
    : [];
  if (!row) return c.body(null, 204);
  const refusal = `Notification ${id} is ${row.status}; only a Scheduled one can be cancelled.`;
  if (row.status !== 'Scheduled') throw badRequest(refusal, [], 'NOT_CANCELLABLE');

  const coordinator = coordinatorOf(c.env, backendId);
  if ((await coordinator.cancel(id)) === 'started') {
    throw badRequest(
      `Notification ${id} has started sending and can no longer be cancelled.`,
      [],
      'NOT_CANCELLABLE',
    );
  }
  await db.delete(notifications).where(mine);
  return c.body(null, 204);
});

/** Lists the backend's notifications: filters, order and paging of the contract (list-query.ts). */
notificationRoutes.get('/', async (c) => {
  const url = new URL(c.req.url);
  const query = parseListQuery(queryParams(url));
  const where = listWhere(c.get('caller').backendId, query);
  const db = c.get('db');

  // One row past the page tells whether there is a next one.
  const rows = await db
    .select()
    .from(notifications)
    .where(where)
    .orderBy(...listOrder(query))
    .limit(query.limit + 1)
    .offset(query.offset);
  const items = rows.slice(0, query.limit);
  const hasMore = rows.length > query.limit;
  const [total] = await db.select({ n: count() }).from(notifications).where(where);

  const page = { limit: query.limit, offset: query.offset, hasMore };
  return c.json({
    items: items.map((row) => notificationView(row, url.origin)),
    hasMore,
    limit: query.limit,
    offset: query.offset,
    count: items.length,
    totalResults: total?.n ?? items.length,
    links: pageLinks(url, `${url.origin}${NOTIFICATIONS_PATH}`, page),
  });
});

function checkedSendOn(text: string, now: number): number {
  const parsed = parseSendOn(text);
  const reason = parsed.ok ? sendOnWindowError(parsed.at, now) : parsed.reason;
  if (!parsed.ok || reason) {
    const why = reason ?? 'Invalid sendOn.';
    throw badRequest(why, [
      { title: why, 'o:errorCode': 'INVALID_FIELD', 'o:errorPath': '$.sendOn' },
    ]);
  }
  return parsed.at;
}

/**
 * Refuses at POST time every payload problem of a targeted provider: invalid, over its limit, or
 * nothing to send at all (api-contract.md, Notifications and Payload limits).
 */
function checkPayloads(request: StoredRequest, targets: Provider[]): void {
  const problems = payloadProblems(request, targets);
  if (problems.length === 0) return;
  const details = problems.map((p) => ({
    title: p.title,
    'o:errorCode': p.code,
    'o:errorPath': p.path,
  }));
  const tooLarge = problems.every((p) => p.code === 'PAYLOAD_TOO_LARGE');
  const detail =
    problems.length === 1 && problems[0]
      ? problems[0].title
      : `Invalid payload: ${problems.map((p) => p.path).join(', ')}.`;
  throw badRequest(detail, details, tooLarge ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED');
}
