/** Hono context shape shared by every route, plus the middlewares that fill it. */
import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';
import type { Context, MiddlewareHandler } from 'hono';
import { authenticate } from '../auth/authenticate';
import { BACKEND_HEADER, type Caller } from '../auth/caller';
import { forbidden } from './problem';

export type AppEnv = {
  Bindings: Env;
  Variables: { ecid: string; db: DrizzleD1Database; caller: Caller };
};
export type AppContext = Context<AppEnv>;

export const ECID_HEADER = 'X-ORACLE-DMS-ECID';

/** Gives every request an execution context id (`o:ecid`) and a database handle. */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const ecid = crypto.randomUUID();
  c.set('ecid', ecid);
  c.set('db', drizzle(c.env.DB));
  await next();
  c.header(ECID_HEADER, ecid);
  if (c.res.headers.get('Content-Type') === 'application/json') {
    c.header('Content-Type', 'application/json; charset=UTF-8');
  }
};

/** Authenticates the caller and lets through only those `allowed` accepts (else 403). */
export function requireCaller(
  allowed: (caller: Caller) => boolean,
  refusal: string,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caller = await authenticate(
      c.get('db'),
      c.env.TOKEN_SIGNING_KEY,
      c.req.header('Authorization'),
      c.req.header(BACKEND_HEADER),
    );
    if (!allowed(caller)) throw forbidden(refusal);
    c.set('caller', caller);
    await next();
  };
}
