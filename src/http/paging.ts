/**
 * Limit/offset paging shared by the lists (api-contract.md, GET notifications): query parameters
 * read as text, `limit` lowered to the maximum, next/prev links keeping every query parameter.
 */
import { z } from 'zod';

export const MAX_PAGE_SIZE = 1000;

/** A query parameter given once; a repeated one (an array here) is refused naming it. */
export const ParamSchema = z.string({ error: 'Give this parameter once.' });

/** `limit`: a positive integer; larger than the maximum is lowered to it. */
export const LimitSchema = ParamSchema.regex(/^[0-9]+$/, 'limit is a positive integer.')
  .transform(Number)
  .refine((n) => n >= 1, 'limit is a positive integer.')
  .transform((n) => Math.min(n, MAX_PAGE_SIZE));

/** `offset`: the zero-based index of the first item. */
export const OffsetSchema = ParamSchema.regex(/^[0-9]+$/, 'offset is an integer from 0.')
  .transform(Number)
  .refine(Number.isSafeInteger, 'offset is too large.');

/** The query parameters of `url` by name: text, or an array of texts when one is repeated. */
export function queryParams(url: URL): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    params[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return params;
}

export type Page = { limit: number; offset: number; hasMore: boolean };

/** `canonical`, `self` (the request), and `next`/`prev` when there are such pages. */
export function pageLinks(url: URL, canonical: string, page: Page) {
  const at = (offset: number) => {
    const link = new URL(url);
    link.searchParams.set('limit', String(page.limit));
    link.searchParams.set('offset', String(offset));
    return link.href;
  };
  return [
    { rel: 'canonical', href: canonical },
    { rel: 'self', href: url.href },
    ...(page.hasMore ? [{ rel: 'next', href: at(page.offset + page.limit) }] : []),
    ...(page.offset > 0 ? [{ rel: 'prev', href: at(Math.max(0, page.offset - page.limit)) }] : []),
  ];
}
