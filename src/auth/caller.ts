/** Who is calling, once authenticated (api-contract.md, Conventions: Auth). */
export type Caller =
  | {
      kind: 'member';
      backendId: string;
      memberId: string;
      username: string;
      role: 'Administrator' | 'Developer';
    }
  | { kind: 'mobile'; backendId: string; username: string }
  | { kind: 'anonymous'; backendId: string }
  /** A server holding the backend's OAuth client credentials. */
  | { kind: 'client'; backendId: string };

/** Team members and OAuth clients act for the backend as a whole (send, register for any user). */
export function isTrusted(caller: Caller): boolean {
  return caller.kind === 'member' || caller.kind === 'client';
}

export const BACKEND_HEADER = 'Oracle-Mobile-Backend-ID';
