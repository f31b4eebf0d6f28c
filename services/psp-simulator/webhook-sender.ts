import { createHmac, randomUUID } from 'node:crypto';

/** `psp-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, the scheme payments checks. */
export function signWebhook(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** Sends one signed webhook, retrying a few times in the background; a PSP never blocks on it. */
export function sendWebhook(
  url: string,
  secret: string,
  type: string,
  data: Record<string, unknown>,
  log: { warn(obj: object, msg: string): void },
): void {
  if (url === 'off') return;
  const body = JSON.stringify({ id: `evt_${randomUUID()}`, type, createdAt: new Date().toISOString(), data });
  void (async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'psp-signature': signWebhook(secret, body) },
          body,
          signal: AbortSignal.timeout(2000),
        });
        if (response.ok) return;
      } catch {
        // retried below
      }
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
    log.warn({ type }, 'psp: a webhook could not be delivered');
  })();
}
