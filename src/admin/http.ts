/** Refusals and headers shared by the administration routes. */
import type { Context } from 'hono';
import { ApiError, type ErrorDetail } from '../http/problem';

/** One `o:errorDetails` entry. */
export function fieldProblem(title: string, path: string, code = 'INVALID_FIELD'): ErrorDetail {
  return { title, 'o:errorCode': code, 'o:errorPath': path };
}

/** 409: the given fields collide with another resource of the backend. */
export function conflict(details: ErrorDetail[]) {
  return new ApiError(409, 'CONFLICT', details.map((d) => d.title).join(' '), details);
}

/** Runs a write; a lost race on a unique index becomes a 409 naming the field at `path`. */
export async function unlessTaken<T>(write: Promise<T>, title: string, path: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw conflict([fieldProblem(title, path, 'TAKEN')]);
  }
}

/** True when D1 refused a write on a UNIQUE or PRIMARY KEY constraint. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e.message.includes('UNIQUE constraint failed')) return true;
  }
  return false;
}

/** The `Location` of the resource `id` created by a POST to the collection at this path. */
export function locationOf(c: Context, id: string): string {
  return new URL(`${c.req.path.replace(/\/+$/, '')}/${encodeURIComponent(id)}`, c.req.url).href;
}
