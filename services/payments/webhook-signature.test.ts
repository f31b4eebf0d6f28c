import { describe, expect, it } from 'vitest';
import { signWebhook } from '../psp-simulator/webhook-sender.ts';
import { webhookRefusal } from './webhook-signature.ts';

const secret = 'a-webhook-secret-of-length';
const body = '{"id":"evt_1","type":"payment.captured"}';

describe('webhook signatures', () => {
  it('accepts what the PSP signs and refuses a changed body, a wrong secret or a stale timestamp', () => {
    const now = 1_800_000_000;
    expect(webhookRefusal(signWebhook(secret, body, now), body, secret, 300, now)).toBeNull();
    expect(webhookRefusal(signWebhook(secret, body, now), `${body} `, secret, 300, now)).toMatch(
      /does not match/,
    );
    expect(webhookRefusal(signWebhook('another-secret-entirely', body, now), body, secret, 300, now)).toMatch(
      /does not match/,
    );
    expect(webhookRefusal(signWebhook(secret, body, now - 301), body, secret, 300, now)).toMatch(/too old/);
    expect(webhookRefusal(undefined, body, secret, 300, now)).toMatch(/missing/);
  });
});
