/**
 * HTTP Basic of a team member without a backend header, for the administration API
 * (api-contract.md, Administration API). Which backends the member may see is checked per route.
 */
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import {
  basicCheckCache,
  decodeBasic,
  findMember,
  splitScheme,
  unauthorized,
} from './authenticate';

/** An authenticated team member. */
export type Member = { id: string; username: string; role: 'Administrator' | 'Developer' };

const rememberMember = basicCheckCache<Member>();

/** Resolves the Authorization header to a team member, or throws 401. */
export async function authenticateMember(
  db: DrizzleD1Database,
  authorization: string | undefined,
): Promise<Member> {
  if (!authorization) throw unauthorized('Credentials are required.');
  const [scheme, value] = splitScheme(authorization);
  if (scheme !== 'basic') {
    throw unauthorized('The administration API takes HTTP Basic credentials of a team member.');
  }
  return rememberMember(value, async () => {
    const [username, password] = decodeBasic(value);
    const member = await findMember(db, username, password);
    if (!member) throw unauthorized('The username or password is not valid.');
    return { id: member.id, username: member.username, role: member.role };
  });
}
