import { AsyncLocalStorage } from 'node:async_hooks';
import { destination, type Logger, type MultiStreamRes, multistream, pino, symbols } from 'pino';
import { redactRecord, redactText } from './redact.ts';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The logger exists before the configuration is validated: a bad LOG_LEVEL must not crash the import
 * (config() rejects it a moment later with a message naming it), so it falls back to info here.
 */
function startupLevel(level: string | undefined): string {
  return level !== undefined && LEVELS.includes(level) ? level : 'info';
}

/** The ids a line is found by in the log store (`techmarket logs --run | --request`). */
export interface LogContext {
  /** etl.runs.run_id (not Temporal's own run id, which the SDK logs as runId). */
  etlRunId?: number;
  workflowId?: string;
  requestId?: string;
  /** The Temporal activity a worker line comes from. */
  activity?: string;
}

const logContext = new AsyncLocalStorage<LogContext>();
let processName = 'cli';

/** Runs `fn` with these ids on every line logged inside it, however deep (async calls included). */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return logContext.run({ ...logContext.getStore(), ...context }, fn);
}

/**
 * Adds ids to every line logged from here on in the current async flow (a run learns its id only
 * once it has begun). Callers that may share a flow with other work use withLogContext instead.
 */
export function addLogContext(context: LogContext): void {
  logContext.enterWith({ ...logContext.getStore(), ...context });
}

/**
 * The process name and the context's ids, less any id the logger is already bound to (dq binds its
 * etlRunId): a key twice in one JSON line is refused by OpenSearch, the line lost.
 */
function contextFields(instance: Logger): Record<string, unknown> {
  const fields: Record<string, unknown> = { process: processName };
  const context = logContext.getStore();
  if (!context) return fields;
  const bound = ((instance as unknown as Record<symbol, string>)[symbols.chindingsSym] ?? '') as string;
  for (const [key, value] of Object.entries(context)) if (!bound.includes(`"${key}":`)) fields[key] = value;
  return fields;
}

/**
 * Where lines go: stderr always (stdout stays for command output); core/log-shipping.ts adds the log
 * store once the configuration is known.
 */
export const logStreams: MultiStreamRes = multistream([{ level: 'trace', stream: destination(2) }]);

/**
 * JSON logs. Secrets never leave the process: every record is redacted at any depth by field name
 * (password, token, authorization, card…) and in its text (URL passwords, bearer tokens, JWTs, card
 * numbers) before it is written, to stderr or the store alike.
 */
export const logger = pino(
  {
    level: startupLevel(process.env.LOG_LEVEL),
    base: { pid: process.pid },
    // The process name comes through the mixin, not bindings: child loggers made at import time
    // would keep the name the process had then.
    mixin: (_record, _level, instance) => contextFields(instance),
    formatters: { log: (record) => redactRecord(record) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg));
        method.apply(this, redacted as Parameters<typeof method>);
      },
    },
  },
  logStreams,
);

/** Names the process on every line (`cli`, `worker`, a service's name). */
export function setLogProcess(name: string): void {
  processName = name;
}

export function childLogger(bindings: Record<string, unknown>) {
  return logger.child(bindings);
}
