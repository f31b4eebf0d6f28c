/**
 * The error hierarchy every folder extends. `retryable` tells orchestration (Temporal retry policies,
 * the CLI) whether trying again can help; `hint` says what the operator should do next.
 */
export class TechmarketError extends Error {
  readonly retryable: boolean;
  readonly hint: string | undefined;
  readonly context: Record<string, unknown>;

  constructor(
    message: string,
    options: { retryable?: boolean; hint?: string; context?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
    this.hint = options.hint;
    this.context = options.context ?? {};
  }
}

/** A bad command-line argument: names the argument, never retryable. */
export class UsageError extends TechmarketError {}

/** A bad or missing setting: names the variable, never retryable. */
export class ConfigError extends TechmarketError {}

/** A server the platform needs did not answer or failed to start. */
export class InfraError extends TechmarketError {}

/** One line for people: the message, then the hint when there is one. */
export function describeError(error: unknown): string {
  if (error instanceof TechmarketError) {
    return error.hint ? `${error.message}\n  → ${error.hint}` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
