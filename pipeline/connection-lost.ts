import type { SourceDatabase } from '../core/config.ts';
import { InfraError, type TechmarketError } from '../core/errors.ts';

/** Node's codes for a TCP connection that broke once open (a refused connect is the CLI's to explain). */
const BROKEN_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
/** PostgreSQL: the server ended the session (admin shutdown, connection failure, no connection). */
const PG_SESSION_ENDED_CODES = new Set(['57P01', '08006', '08003']);

/** The errors of a cause chain, outermost first. */
function chain(error: unknown): Error[] {
  const errors: Error[] = [];
  for (let e = error; e instanceof Error && errors.length < 10; e = e.cause) errors.push(e);
  return errors;
}

/** mysql2 marks the errors after which its connection is unusable `fatal`; pg does not. */
function isMysqlConnectionLoss(e: Error): boolean {
  const { code, fatal } = e as { code?: string; fatal?: boolean };
  return code === 'PROTOCOL_CONNECTION_LOST' || (fatal === true && BROKEN_SOCKET_CODES.has(code ?? ''));
}

function isPostgresConnectionLoss(e: Error): boolean {
  const { code, fatal } = e as { code?: string; fatal?: boolean };
  if (fatal !== undefined) return false; // mysql2's
  return (
    /^Connection terminated/.test(e.message) ||
    BROKEN_SOCKET_CODES.has(code ?? '') ||
    PG_SESSION_ENDED_CODES.has(code ?? '')
  );
}

/** A run's failure explained as a broken connection; explained once, where the most is known. */
export class ConnectionLostError extends InfraError {}

/**
 * A run that failed because a database connection broke half-way (reset, timed out, server gone):
 * an error naming the server, the setting that points at it and what to do, instead of the driver's
 * "Connection terminated unexpectedly". Undefined for any other failure. A connection that could not
 * be opened at all is explained by the CLI (cli/unreachable-server.ts), which knows the address.
 */
export function explainConnectionLost(error: unknown, source?: SourceDatabase): TechmarketError | undefined {
  if (error instanceof ConnectionLostError) return error;
  const errors = chain(error);
  const driverMessage = errors.at(-1)?.message ?? String(error);
  const runAgain =
    'a run commits its load in one transaction, so the warehouse holds all of this run or none of it and ' +
    'no watermark moved past what was loaded; run it again once the server answers steadily ' +
    '(techmarket infra status) — the next run repeats what this one did not commit';
  if (errors.some(isMysqlConnectionLoss)) {
    const what = source
      ? `the source database ${source} (${source.toUpperCase()}_DB_URL)`
      : 'a source database (*_DB_URL)';
    return new ConnectionLostError(`the connection to ${what} broke during the run: ${driverMessage}`, {
      hint: runAgain,
      retryable: true,
      cause: error,
    });
  }
  if (errors.some(isPostgresConnectionLoss)) {
    return new ConnectionLostError(
      `the connection to the warehouse (DWH_URL) broke during the run: ${driverMessage}`,
      {
        hint: runAgain,
        retryable: true,
        cause: error,
      },
    );
  }
  return undefined;
}
