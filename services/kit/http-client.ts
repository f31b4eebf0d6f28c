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

export async function callJson(call: JsonCall): Promise<JsonReply> {
  const attempts = 1 + (call.retries ?? 0);
  let reason = 'no attempt';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, (call.backoffMs ?? 50) * 2 ** (attempt - 2)));
    try {
      const response = await fetch(call.url, {
        method: call.method ?? (call.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...call.headers,
        },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        signal: AbortSignal.timeout(call.timeoutMs),
      });
      const text = await response.text();
      if (RETRYABLE_STATUS.has(response.status)) {
        reason = `answered ${response.status}`;
        continue;
      }
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    } catch (error) {
      const name = (error as Error).name;
      reason = name === 'TimeoutError' ? `no answer within ${call.timeoutMs} ms` : 'cannot be reached';
    }
  }
  throw new UpstreamUnavailable(call.upstream, reason);
}
