import { describe, expect, it } from 'vitest';
import { eventEnvelope } from '../kit/events.ts';
import { digestEventId } from './digest-dispatcher.ts';

describe('the event id of a digest', () => {
  it('is the same for one subscription and period, different otherwise, and a valid UUID', () => {
    const id = digestEventId(7, '2026-11-19');
    expect(digestEventId(7, '2026-11-19')).toBe(id);
    expect(digestEventId(7, '2026-11-20')).not.toBe(id);
    expect(digestEventId(8, '2026-11-19')).not.toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const envelope = { id, type: 'BiDigest', occurredAt: '2026-11-20T05:00:00.000Z', data: {} };
    expect(eventEnvelope.safeParse(envelope).success).toBe(true);
  });
});
