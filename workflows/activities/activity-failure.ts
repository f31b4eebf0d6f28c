import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { TechmarketError } from '../../core/errors.ts';
import { redactText } from '../../core/redact.ts';

/**
 * SQLSTATE classes that mean the statement or the data is wrong, so a retry repeats the failure:
 * 22 data exception, 23 integrity constraint, 42 syntax or undefined object, 0A not supported.
 */
const BAD_DATA_SQLSTATE_CLASSES = new Set(['22', '23', '42', '0A']);

/**
 * Turns an activity's error into the failure Temporal records. TechmarketError says itself whether a
 * retry can help; PostgreSQL errors are judged by SQLSTATE class; anything else (lost connections,
 * timeouts) is retried by the policy set where the activity is proxied. Secrets are redacted.
 */
export function toActivityFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const cause = error instanceof Error ? error : new Error(String(error));
  const message = redactText(cause.message);
  if (error instanceof TechmarketError) {
    return ApplicationFailure.create({
      message: error.hint ? `${message} (${redactText(error.hint)})` : message,
      type: error.name,
      nonRetryable: !error.retryable,
      details: [{ hint: error.hint ?? null, context: error.context }],
    });
  }
  const code = (error as { code?: unknown }).code;
  const badData =
    typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && BAD_DATA_SQLSTATE_CLASSES.has(code.slice(0, 2));
  return ApplicationFailure.create({
    message,
    type: cause.name === 'Error' && typeof code === 'string' ? `Error ${code}` : cause.name,
    nonRetryable: badData,
  });
}

/** Wraps an activity so every error leaves it as a classified ApplicationFailure. */
export function classifyFailures<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (error) {
      // A cancelled activity says so: Temporal then records it cancelled, not failed and retried.
      if (error instanceof CancelledFailure) throw error;
      throw toActivityFailure(error);
    }
  };
}
