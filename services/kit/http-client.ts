import { Agent, request } from 'undici';

/**
 * One JSON call to another service with a timeout and bounded retries. Only failures that a retry can
 * cure are retried (no answer in time, connection refused, 502–504); everything else is the caller's
 * to interpret. After the last attempt it throws `UpstreamUnavailable`, which routes turn into 503.
 */
export class UpstreamUnavailable extends Error {
  constructor(
    readonly upstream: string,
    reason: string,
  ) {
    super(`${upstream} is unavailable: ${reason}`);
    this.name = 'UpstreamUnavailable';
  }
}

export interface JsonCall {
  upstream: string;
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Further attempts after the first, default 0: only for calls that are safe to repeat. */
  retries?: number;
  /** First backoff, doubled per attempt, default 50 ms. */
  backoffMs?: number;
}

export interface JsonReply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: callers validate the body with their own zod schema
  body: any;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);

/**
 * Keep-alive connections to the other services, shared by every call of the process. undici's
 * `request` rather than `fetch`: a CPU profile of orders during `bench:checkout` had fetch's
 * Request/Response objects, web streams and `AbortSignal.timeout` at ~10% of the process's CPU
 * (three calls per checkout); `request` does the same round trip without them.
 */
const SERVICE_AGENT = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

export async function callJson(call: JsonCall): Promise<JsonReply> {
  const attempts = 1 + (call.retries ?? 0);
  let reason = 'no attempt';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, (call.backoffMs ?? 50) * 2 ** (attempt - 2)));
    // One deadline for the whole call (connect, headers and body), as AbortSignal.timeout gave.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), call.timeoutMs);
    try {
      const response = await request(call.url, {
        dispatcher: SERVICE_AGENT,
        method: call.method ?? (call.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...call.headers,
        },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        signal: controller.signal,
      });
      const text = await response.body.text();
      if (RETRYABLE_STATUS.has(response.statusCode)) {
        reason = `answered ${response.statusCode}`;
        continue;
      }
      return { status: response.statusCode, body: text ? JSON.parse(text) : undefined };
    } catch {
      reason = controller.signal.aborted ? `no answer within ${call.timeoutMs} ms` : 'cannot be reached';
    } finally {
      clearTimeout(timer);
    }
  }
  throw new UpstreamUnavailable(call.upstream, reason);
}
