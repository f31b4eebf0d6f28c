import { describe, expect, it } from 'vitest';
import { describeError } from '../core/errors.ts';
import { explainUnmigrated } from './unmigrated-warehouse.ts';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('an unmigrated warehouse, explained', () => {
  it('names the missing table and says to run db migrate', () => {
    const explained = explainUnmigrated(pgError('42P01', 'relation "etl.runs" does not exist'));
    expect(describeError(explained)).toBe(
      'the warehouse (DWH_URL) has no etl.runs: its schema is not migrated\n  → run techmarket db migrate (safe to rerun), then this command again',
    );
  });

  it('finds the database error under a wrapping error, and a missing schema too', () => {
    const wrapped = new Error('status failed', { cause: pgError('3F000', 'schema "dq" does not exist') });
    expect(explainUnmigrated(wrapped)?.message).toContain('has no dq');
  });

  it('leaves other errors alone: other codes, and tables outside the migrated schemas', () => {
    expect(explainUnmigrated(pgError('23505', 'duplicate key value'))).toBeUndefined();
    expect(explainUnmigrated(pgError('42P01', 'relation "public.t" does not exist'))).toBeUndefined();
    expect(explainUnmigrated(new Error('relation "etl.runs" does not exist'))).toBeUndefined();
  });
});
