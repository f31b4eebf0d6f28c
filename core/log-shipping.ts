import { transport } from 'pino';
import type { Config } from './config.ts';
import { logStreams } from './logger.ts';

/** How often the transport sends what it has; a line is searchable about a second after that. */
const FLUSH_INTERVAL_MS = 1000;
const FLUSH_BYTES = 256 * 1024;
/** How long a process waits at its end for its last lines to reach the store. */
const SHUTDOWN_WAIT_MS = 5000;

let shippingConfig: Pick<Config, 'LOG_STORE_URL' | 'LOG_STORE_INDEX'> | undefined;
let shipping: ReturnType<typeof transport> | undefined;
/** Settles when the transport's worker thread runs: ending it before then fails with 'end() failed'. */
let shippingReady: Promise<void> = Promise.resolve();
let stopping = false;

/** The daily index a line goes to: `<LOG_STORE_INDEX>-YYYY-MM-DD` (pino-opensearch fills in the date). */
export function logIndexPattern(config: Pick<Config, 'LOG_STORE_INDEX'>): string {
  return `${config.LOG_STORE_INDEX}-*`;
}

/**
 * Ships this process's log lines to the log store (OpenSearch) as well as to stderr, through the
 * maintained pino-opensearch transport in a worker thread, so the process never waits on the store.
 * The worker thread starts with the first line logged, not here: most short commands log nothing,
 * and starting and ending the thread would cost them about half a second.
 * A store that does not answer costs one line on stderr, never the process.
 * LOG_STORE_URL=off keeps logs on stderr only.
 */
export function startLogShipping(config: Pick<Config, 'LOG_STORE_URL' | 'LOG_STORE_INDEX'>): void {
  if (shippingConfig || config.LOG_STORE_URL === 'off') return;
  shippingConfig = config;
  // Lines logged after stopLogShipping stay on stderr: a transport opened then would never be ended.
  logStreams.add({
    level: 'trace',
    stream: { write: (line: string) => stopping || openTransport(config).write(line) },
  });
}

function openTransport(
  config: Pick<Config, 'LOG_STORE_URL' | 'LOG_STORE_INDEX'>,
): ReturnType<typeof transport> {
  if (shipping) return shipping;
  shipping = transport({
    target: 'pino-opensearch',
    options: {
      node: config.LOG_STORE_URL,
      index: `${config.LOG_STORE_INDEX}-%{DATE}`,
      'es-version': 7,
      'flush-interval': FLUSH_INTERVAL_MS,
      'flush-bytes': FLUSH_BYTES,
    },
  });
  const started = shipping;
  shippingReady = new Promise((resolve) => started.once('ready', () => resolve()));
  let warned = false;
  shipping.on('error', (error: Error) => {
    // thread-stream reports every end of this transport as 'end() failed' in processes run through
    // tsx, after the lines were delivered (tests/observability/logs.test.ts reads them back): at
    // shutdown that word is noise on every command, not a lost line.
    if (warned || (stopping && error.message === 'end() failed')) return;
    warned = true;
    process.stderr.write(`techmarket: logs are not reaching ${config.LOG_STORE_URL}: ${error.message}\n`);
  });
  return shipping;
}

/** Sends what is still buffered and waits (up to a few seconds) until the store has it. */
export async function stopLogShipping(): Promise<void> {
  stopping = true;
  const stream = shipping;
  if (!stream) return;
  shipping = undefined;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
    stream.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    // A short command ends before the worker thread has started: wait for it, within the same bound.
    void shippingReady.then(() => stream.end());
  });
}
