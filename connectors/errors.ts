import { TechmarketError } from '../core/errors.ts';
import { redactText } from '../core/redact.ts';

/** MySQL error codes after which a retry can succeed (deadlock, lock wait, lost connection…). */
const RETRYABLE_MYSQL_CODES = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'PROTOCOL_CONNECTION_LOST',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

/** A failure reading a source database. */
export class SourceError extends TechmarketError {
  static wrap(error: unknown, doing: string): SourceError {
    if (error instanceof SourceError) return error;
    const code = (error as { code?: string }).code;
    return new SourceError(`${doing} failed: ${redactText((error as Error).message ?? String(error))}`, {
      cause: error,
      retryable: code !== undefined && RETRYABLE_MYSQL_CODES.has(code),
      context: { code },
      hint:
        code === 'ECONNREFUSED' ? 'is the source database running? try: techmarket infra status' : undefined,
    });
  }
}

/** A failure loading into the warehouse. */
export class LoadError extends TechmarketError {}
