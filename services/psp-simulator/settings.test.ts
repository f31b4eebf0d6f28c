import { describe, expect, it } from 'vitest';
import { loadSettings } from '../shared/index.ts';
import { pspSettings } from './settings.ts';

describe('PSP_WEBHOOK_URL', () => {
  it('is `off` to send no webhooks; empty is unset, so the default (payments on 7004)', () => {
    expect(loadSettings(pspSettings, { PSP_WEBHOOK_URL: 'off' }).PSP_WEBHOOK_URL).toBe('off');
    expect(loadSettings(pspSettings, { PSP_WEBHOOK_URL: '' }).PSP_WEBHOOK_URL).toBe(
      'http://127.0.0.1:7004/webhooks/psp',
    );
    expect(
      loadSettings(pspSettings, { PSP_WEBHOOK_URL: 'http://payments:7004/webhooks/psp' }).PSP_WEBHOOK_URL,
    ).toBe('http://payments:7004/webhooks/psp');
  });

  it('refuses anything else, naming the variable', () => {
    for (const value of ['none', 'ftp://x/y', '127.0.0.1:7004']) {
      expect(() => loadSettings(pspSettings, { PSP_WEBHOOK_URL: value }), value).toThrow(/PSP_WEBHOOK_URL/);
    }
  });
});
