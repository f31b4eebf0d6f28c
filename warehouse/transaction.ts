import type pg from 'pg';

/**
 * Runs `work` in one transaction on `client`: commits when it resolves, rolls back and rethrows its
 * error when it throws. The one place the warehouse writes begin/commit/rollback; a failed rollback
 * (the connection is gone) never hides the error that caused it.
 */
export async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await work();
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  }
}
