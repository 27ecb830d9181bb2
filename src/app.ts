/** The Hono app: routes and the one error mapping. */
import { Hono } from 'hono';
import { adminRoutes } from './admin/routes';
import { oauthRoutes } from './auth/oauth-routes';
import { devRoutes } from './dev/routes';
import { deviceRoutes } from './devices/routes';
import { type AppEnv, ECID_HEADER, requestContext } from './http/context';
import { ApiError, methodNotAllowed, problemBody } from './http/problem';
import { log } from './log';
import { notificationRoutes } from './notifications/routes';
import { NOTIFICATIONS_PATH } from './notifications/view';

export const app = new Hono<AppEnv>({ strict: false });

app.use('*', requestContext);

app.get('/', (c) => c.json({ service: 'pushgate', status: 'ok' }));
app.route('/oauth2/v1', oauthRoutes);
app.route('/mobile/platform/devices', deviceRoutes);
app.route(NOTIFICATIONS_PATH, notificationRoutes);
app.route('/__dev', devRoutes);
app.route('/admin/v1', adminRoutes);

// Known paths asked with another method: 405 with Allow, not 404.
const METHODS: [string, string[]][] = [
  ['/oauth2/v1/token', ['POST']],
  ['/mobile/platform/devices/register', ['POST']],
  ['/mobile/platform/devices/deregister', ['POST']],
  [NOTIFICATIONS_PATH, ['GET', 'POST']],
  [`${NOTIFICATIONS_PATH}/:id{[0-9]+}`, ['GET', 'DELETE']],
];
for (const [path, allowed] of METHODS) {
  app.all(path, () => {
    throw methodNotAllowed(allowed);
  });
}

app.notFound((c) => {
  const ecid = c.get('ecid') ?? crypto.randomUUID();
  const body = problemBody(404, 'NOT_FOUND', 'No such resource.', ecid, c.req.path);
  return c.json(body, 404, { [ECID_HEADER]: ecid });
});

app.onError((err, c) => {
  const ecid = c.get('ecid') ?? crypto.randomUUID();
  const path = c.req.path;
  if (err instanceof ApiError) {
    if (err.status >= 500) log.error('request.failed', { ecid, path, code: err.errorCode });
    else log.warn('request.refused', { ecid, path, status: err.status, code: err.errorCode });
    const body = problemBody(err.status, err.errorCode, err.detail, ecid, path, err.details);
    return c.json(body, err.status as 400, { ...err.headers, [ECID_HEADER]: ecid });
  }
  log.error('request.crashed', { ecid, path, error: err instanceof Error ? err.name : 'unknown' });
  const body = problemBody(
    500,
    'INTERNAL',
    'The service could not complete the request.',
    ecid,
    path,
  );
  return c.json(body, 500, { [ECID_HEADER]: ecid });
});
