/**
 * Who may use /admin/v1: a team member by HTTP Basic (no backend header), seeing only the
 * backends it is linked to in backend_members; only Administrators change anything.
 */
import { and, eq } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { authenticateMember, type Member } from '../auth/member';
import { backendMembers, backends } from '../db/schema';
import type { AppEnv } from '../http/context';
import { forbidden, notFound } from '../http/problem';

export type Backend = typeof backends.$inferSelect;

/** Context of the administration routes: the member, and the backend named in the path. */
export type AdminEnv = {
  Bindings: Env;
  Variables: Omit<AppEnv['Variables'], 'caller'> & { member: Member; backend: Backend };
};

const READS = new Set(['GET', 'HEAD']);

/** Authenticates the team member (401 otherwise). */
export const requireMember: MiddlewareHandler<AdminEnv> = async (c, next) => {
  c.set('member', await authenticateMember(c.get('db'), c.req.header('Authorization')));
  await next();
};

/**
 * Loads the `:backendId` backend if the member is linked to it (404 otherwise, as for ids that do
 * not exist); a write by a Developer is a 403.
 */
export const backendAccess: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const member = c.get('member');
  const [row] = await c
    .get('db')
    .select({ backend: backends })
    .from(backends)
    .innerJoin(
      backendMembers,
      and(eq(backendMembers.backendId, backends.id), eq(backendMembers.memberId, member.id)),
    )
    .where(eq(backends.id, c.req.param('backendId') ?? ''))
    .limit(1);
  if (!row) throw notFound('No such backend.');
  if (!READS.has(c.req.method) && member.role !== 'Administrator') {
    throw forbidden('Only Administrators may change a backend, its clients or its profiles.');
  }
  c.set('backend', row.backend);
  await next();
};
