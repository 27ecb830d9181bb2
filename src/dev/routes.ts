/**
 * POST /__dev/bootstrap: seeds the demo data. Exists only when DEV_BOOTSTRAP is "enabled"
 * (set by `npm start`, never in wrangler.toml), so a deployed Worker answers 404.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../http/context';
import { notFound } from '../http/problem';
import { readBody } from '../http/validate';
import { DemoSeedSchema, seedDemo } from './demo';

export const devRoutes = new Hono<AppEnv>();

devRoutes.use('*', async (c, next) => {
  if (c.env.DEV_BOOTSTRAP !== 'enabled') throw notFound('Not found.');
  await next();
});

devRoutes.post('/bootstrap', async (c) => {
  const seed = await readBody(c, DemoSeedSchema, 'demo seed');
  return c.json(await seedDemo(c.get('db'), c.env.CREDENTIALS_KEY, seed));
});
