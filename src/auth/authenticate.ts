/**
 * Resolves the Authorization header (+ backend header) to a Caller, or throws 400/401/403 as
 * api-contract.md says. Successful Basic checks are remembered briefly per isolate, since
 * PBKDF2 is deliberately slow and apps call register often.
 */
import { and, desc, eq, or, sql } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { sha256Hex } from '../crypto/encoding';
import { verifyPassword } from '../crypto/password';
import { backendMembers, backends, mobileUsers, teamMembers } from '../db/schema';
import { ApiError, badRequest, forbidden } from '../http/problem';
import { BACKEND_HEADER, type Caller } from './caller';
import { verifyAccessToken } from './oauth-token';

const CACHE_MS = 60_000;
const CACHE_MAX = 5_000;

/**
 * A per-isolate memory of successful Basic checks (one minute), keyed by SHA-256 of `key`:
 * `remember(key, check)` runs `check` only when `key` passed it not long ago.
 */
export function basicCheckCache<T>() {
  const verified = new Map<string, { value: T; until: number }>();
  return async (key: string, check: () => Promise<T>): Promise<T> => {
    const hashed = await sha256Hex(key);
    const hit = verified.get(hashed);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await check();
    if (verified.size >= CACHE_MAX) verified.clear();
    verified.set(hashed, { value, until: Date.now() + CACHE_MS });
    return value;
  };
}

const rememberCaller = basicCheckCache<Caller>();

export function unauthorized(detail: string) {
  return new ApiError(401, 'UNAUTHORIZED', detail, [], {
    'WWW-Authenticate': 'Basic realm="pushgate", Bearer realm="pushgate"',
  });
}

export async function authenticate(
  db: DrizzleD1Database,
  signingKey: string,
  authorization: string | undefined,
  backendHeader: string | undefined,
): Promise<Caller> {
  if (!authorization) throw unauthorized('Credentials are required.');
  const [scheme, value] = splitScheme(authorization);

  if (scheme === 'bearer') {
    const backendId = await verifyAccessToken(signingKey, value);
    if (!backendId) throw unauthorized('The access token is invalid or expired.');
    return { kind: 'client', backendId };
  }
  if (scheme !== 'basic') throw unauthorized('Use HTTP Basic or Bearer authentication.');
  if (!backendHeader) {
    throw badRequest(`The ${BACKEND_HEADER} header is required with Basic authentication.`);
  }

  return rememberCaller(`${backendHeader}\n${value}`, () => checkBasic(db, value, backendHeader));
}

/** `[lowercased scheme, credentials]` of an Authorization header. */
export function splitScheme(header: string): [string, string] {
  const space = header.indexOf(' ');
  if (space < 0) return [header.toLowerCase(), ''];
  return [header.slice(0, space).toLowerCase(), header.slice(space + 1).trim()];
}

async function checkBasic(db: DrizzleD1Database, value: string, backendId: string) {
  const rows = await db
    .select({ id: backends.id, anonymousKey: backends.anonymousKey })
    .from(backends)
    .where(or(eq(backends.id, backendId), eq(backends.anonymousKey, value)))
    .limit(2);
  const backend = rows.find((row) => row.id === backendId);
  if (backend && backend.anonymousKey === value) {
    return { kind: 'anonymous', backendId } satisfies Caller;
  }
  if (rows.some((row) => row.anonymousKey === value)) {
    throw forbidden('This anonymous key belongs to another backend.');
  }

  const [username, password] = decodeBasic(value);
  const member = await findMember(db, username, password);
  if (member) {
    if (!backend) throw forbidden('This team member has no access to that backend.');
    const [access] = await db
      .select({ memberId: backendMembers.memberId })
      .from(backendMembers)
      .where(and(eq(backendMembers.backendId, backendId), eq(backendMembers.memberId, member.id)))
      .limit(1);
    if (!access) throw forbidden('This team member has no access to that backend.');
    return {
      kind: 'member',
      backendId,
      memberId: member.id,
      username: member.username,
      role: member.role,
    } satisfies Caller;
  }

  // A mobile user belongs to one backend; the right password for another backend is a 403.
  const users = await db
    .select()
    .from(mobileUsers)
    .where(eq(mobileUsers.username, username))
    // The named backend's user first, so a same-named user elsewhere cannot shadow it.
    .orderBy(desc(sql`${mobileUsers.backendId} = ${backendId}`))
    .limit(5);
  for (const user of users) {
    if (!(await verifyPassword(password, user.passwordHash))) continue;
    if (user.backendId !== backendId) throw forbidden('This user belongs to another backend.');
    return { kind: 'mobile', backendId, username: user.username } satisfies Caller;
  }
  throw unauthorized('The username or password is not valid.');
}

/** The team member with this username and password, or null. */
export async function findMember(db: DrizzleD1Database, username: string, password: string) {
  const [member] = await db
    .select()
    .from(teamMembers)
    .where(eq(teamMembers.username, username))
    .limit(1);
  if (!member || !(await verifyPassword(password, member.passwordHash))) return null;
  return member;
}

/** `[username, password]` of Basic credentials, or 401 when they are malformed. */
export function decodeBasic(value: string): [string, string] {
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0)));
  } catch {
    throw unauthorized('The Basic credentials are not valid base64.');
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) throw unauthorized('The Basic credentials must be username:password.');
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}
