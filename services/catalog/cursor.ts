import { z } from 'zod';
import { badRequest } from '../shared/index.ts';
import type { ProductSort } from './schemas/catalog.ts';

const cursorShape = z.object({ s: z.string(), v: z.string().max(400), i: z.number().int().positive() });

/** An opaque keyset cursor: the sort it belongs to, the last row's sort value and id. */
export function encodeCursor(sort: ProductSort, value: string, id: number): string {
  return Buffer.from(JSON.stringify({ s: sort, v: value, i: id })).toString('base64url');
}

export function decodeCursor(cursor: string, sort: ProductSort): { value: string; id: number } {
  let parsed: z.infer<typeof cursorShape>;
  try {
    parsed = cursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw badRequest(
      'query.cursor: is not a cursor this API gave; start from the first page',
      'query.cursor',
    );
  }
  if (parsed.s !== sort) {
    throw badRequest(`query.cursor: belongs to sort ${parsed.s}, not ${sort}`, 'query.cursor');
  }
  return { value: parsed.v, id: parsed.i };
}
