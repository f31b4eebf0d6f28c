import { describe, expect, it } from 'vitest';
import { SourceError } from '../connectors/index.ts';
import { ConnectionLostError, explainConnectionLost } from './connection-lost.ts';
import { explainDiskFull } from './disk-full.ts';

const withProps = (message: string, props: Record<string, unknown>) =>
  Object.assign(new Error(message), props);

describe('a run failure explained', () => {
  it('names the source database whose connection mysql2 lost, through a SourceError, with what to do', () => {
    const lost = withProps('Connection lost: The server closed the connection.', {
      code: 'PROTOCOL_CONNECTION_LOST',
      fatal: true,
    });
    const error = explainConnectionLost(SourceError.wrap(lost, 'extract from order_items'), 'orders');
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error!.message).toBe(
      'the connection to the source database orders (ORDERS_DB_URL) broke during the run: Connection lost: The server closed the connection.',
    );
    expect(error!.hint).toMatch(/all of this run or none of it.*run it again/);
    expect(error!.retryable).toBe(true);
  });

  it("names the warehouse for pg's terminated connection, and explains an error only once", () => {
    const error = explainConnectionLost(new Error('Connection terminated unexpectedly'));
    expect(error!.message).toBe(
      'the connection to the warehouse (DWH_URL) broke during the run: Connection terminated unexpectedly',
    );
    expect(explainConnectionLost(error, 'orders')).toBe(error);
  });

  it('leaves SQL errors and refused connections alone', () => {
    expect(explainConnectionLost(withProps('duplicate key', { code: '23505' }))).toBeUndefined();
    expect(
      explainConnectionLost(withProps('Unknown column', { code: 'ER_BAD_FIELD_ERROR', fatal: false })),
    ).toBeUndefined();
    expect(explainDiskFull(withProps('duplicate key', { code: '23505' }))).toBeUndefined();
  });

  it('says the disk is full and what to do, for SQLSTATE 53100 anywhere in the cause chain', () => {
    const full = withProps('could not extend file "base/1/2": No space left on device', { code: '53100' });
    const error = explainDiskFull(new Error('merge failed', { cause: full }));
    expect(error!.message).toBe(
      `the warehouse's disk is full: could not extend file "base/1/2": No space left on device`,
    );
    expect(error!.hint).toMatch(/^free space .*nothing of this one was committed/);
  });
});
