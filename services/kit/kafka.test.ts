import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { writeKafkaLine } from './kafka.ts';

function recordingLog() {
  const lines: { level: string; fields: object; message: string }[] = [];
  const at = (level: string) => (fields: object, message: string) => lines.push({ level, fields, message });
  return { lines, log: { info: at('info'), debug: at('debug') } as never };
}

describe("kafkajs's lines through the service's logger", () => {
  it('writes its errors and warnings at info and the rest at debug, with its fields and no second timestamp', () => {
    const { lines, log } = recordingLog();
    const entry = (level: logLevel, message: string) => ({
      namespace: 'Connection',
      level,
      label: ({ 1: 'ERROR', 2: 'WARN', 4: 'INFO' } as Record<number, string>)[level] ?? 'DEBUG',
      log: { timestamp: '2026-12-06T21:10:41.774Z', message, broker: '127.0.0.1:9092' },
    });
    writeKafkaLine(log, entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED'));
    writeKafkaLine(log, entry(logLevel.WARN, 'Request timed out'));
    writeKafkaLine(log, entry(logLevel.INFO, 'Starting'));
    expect(lines).toEqual([
      {
        level: 'info',
        fields: {
          component: 'kafkajs',
          namespace: 'Connection',
          kafkaLevel: 'ERROR',
          broker: '127.0.0.1:9092',
        },
        message: 'Connection error: connect ECONNREFUSED',
      },
      {
        level: 'info',
        fields: {
          component: 'kafkajs',
          namespace: 'Connection',
          kafkaLevel: 'WARN',
          broker: '127.0.0.1:9092',
        },
        message: 'Request timed out',
      },
      {
        level: 'debug',
        fields: {
          component: 'kafkajs',
          namespace: 'Connection',
          kafkaLevel: 'INFO',
          broker: '127.0.0.1:9092',
        },
        message: 'Starting',
      },
    ]);
  });
});
