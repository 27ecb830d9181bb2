/**
 * /admin/v1/backends/{backendId}/devices: the backend's device registry. List (filters and
 * paging), delete one, and clear all (the console's Clear Registry) in bounded pages.
 */
import { and, asc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { clients, devices } from '../db/schema';
import { pageLinks, queryParams } from '../http/paging';
import { notFound } from '../http/problem';
import { deleteDevicesInPages, type PageLimits } from '../maintenance/delete-pages';
import type { AdminEnv } from './access';
import { deviceView, deviceWhere, parseDeviceListQuery } from './devices-query';

export const registryRoutes = new Hono<AdminEnv>();

/** 40 pages of 500: 20,000 devices a call, within D1's per-invocation query limit. */
export const CLEAR_LIMITS: PageLimits = { pageSize: 500, maxPages: 40 };

registryRoutes.get('/', async (c) => {
  const url = new URL(c.req.url);
  const query = parseDeviceListQuery(queryParams(url));

  // One row past the page tells whether there is a next one.
  const rows = await c
    .get('db')
    .select({ device: devices, appId: clients.appId })
    .from(devices)
    .innerJoin(clients, eq(clients.id, devices.clientId))
    .where(deviceWhere(c.get('backend').id, query))
    .orderBy(asc(devices.id))
    .limit(query.limit + 1)
    .offset(query.offset);
  const items = rows.slice(0, query.limit).map((row) => deviceView(row.device, row.appId));
  const hasMore = rows.length > query.limit;

  const page = { limit: query.limit, offset: query.offset, hasMore };
  const canonical = new URL(c.req.path.replace(/\/+$/, ''), url).href;
  return c.json({
    items,
    hasMore,
    limit: query.limit,
    offset: query.offset,
    count: items.length,
    links: pageLinks(url, canonical, page),
  });
});

/** Removes every device of the backend, up to CLEAR_LIMITS a call; `hasMore`: call again. */
registryRoutes.post('/clear', async (c) => {
  const where = eq(devices.backendId, c.get('backend').id);
  return c.json(await deleteDevicesInPages(c.get('db'), where, CLEAR_LIMITS));
});

registryRoutes.delete('/:deviceId', async (c) => {
  const removed = await c
    .get('db')
    .delete(devices)
    .where(and(eq(devices.backendId, c.get('backend').id), eq(devices.id, c.req.param('deviceId'))))
    .returning({ id: devices.id });
  if (removed.length === 0) throw notFound('No such device.');
  return c.body(null, 204);
});
