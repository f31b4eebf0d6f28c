import { describe, expect, it } from 'vitest';
import { redactRecord, redactText } from './redact.ts';

describe('redaction', () => {
  it('censors secrets in text and keeps what is not secret', () => {
    expect(redactText('mysql://etl:pw@db/orders')).toBe('mysql://etl:***@db/orders');
    expect(redactText('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer ***');
    expect(redactText('password=hunter2&user=x')).toBe('password=***&user=x');
    expect(redactText('token: "t0k"')).toBe('token: "***"');
    expect(redactText('card 4242 4242 4242 4242 ok')).toBe('card **** ok');
    expect(redactText('card 4000-0000-0000-0002')).toBe('card ****');
    // A millisecond timestamp is not a card number (it fails the Luhn check).
    expect(redactText('at 1796404431502')).toBe('at 1796404431502');
  });

  it('censors secret fields at any depth and inside errors', () => {
    const record = redactRecord({
      user: { email: 'a@b.c', profile: { accessToken: 'x', password: 'y' } },
      list: [{ cvc: '123' }],
      err: new TypeError('login as mysql://u:pw@h failed'),
    }) as { user: unknown; list: unknown; err: Error };
    expect(record.user).toEqual({ email: 'a@b.c', profile: { accessToken: '***', password: '***' } });
    expect(record.list).toEqual([{ cvc: '***' }]);
    expect(record.err).toBeInstanceOf(TypeError);
    expect(record.err.message).toBe('login as mysql://u:***@h failed');
    expect(record.err.stack).not.toContain('pw@');
  });
});
