import { InfraError, type TechmarketError } from '../core/errors.ts';

/** PostgreSQL's SQLSTATE for "could not extend file …: No space left on device". */
const DISK_FULL = '53100';

/**
 * A run that failed because the warehouse's disk (or the tablespace a table lives in) is full: an
 * error that says so and what to do, instead of the bare "could not extend file" whose hint pg leaves
 * in a field nobody prints. Undefined for any other failure.
 */
export function explainDiskFull(error: unknown): TechmarketError | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: string }).code !== DISK_FULL) continue;
    return new InfraError(`the warehouse's disk is full: ${e.message}`, {
      hint:
        "free space on the PostgreSQL server's disk (or the tablespace's), then run again: a run commits " +
        'its load in one transaction, so nothing of this one was committed and no watermark moved',
      cause: error,
    });
  }
  return undefined;
}
