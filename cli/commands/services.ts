import { z } from 'zod';
import { defineCommand, listFlagSchema } from '../command.ts';

const SERVICE_NAMES = ['auth', 'catalog', 'gateway'];
const onlyFlag = { only: { type: 'string' } } as const;
const onlyHelp = `--only a,b        only these services (${SERVICE_NAMES.join(', ')})`;
const onlySchema = z.object({ only: listFlagSchema });
const startSchema = onlySchema.extend({ foreground: z.boolean().default(false) });
export type ServicesFlags = z.infer<typeof onlySchema>;
export type ServicesStartFlags = z.infer<typeof startSchema>;

export const servicesStartCommand = defineCommand({
  words: ['services', 'start'],
  summary: 'start the services and the gateway as native processes (pids and logs like infra parts)',
  flags: { ...onlyFlag, foreground: { type: 'boolean' } },
  flagHelp: [onlyHelp, '--foreground      run one service attached (containers): --only names exactly one'],
  schema: startSchema,
  async run(flags, out) {
    const { startServicesAction } = await import('../actions/services.ts');
    return startServicesAction(flags, out);
  },
});

export const servicesStopCommand = defineCommand({
  words: ['services', 'stop'],
  summary: 'stop the services `services start` started, letting requests in flight finish',
  flags: onlyFlag,
  flagHelp: [onlyHelp],
  schema: onlySchema,
  async run(flags, out) {
    const { stopServicesAction } = await import('../actions/services.ts');
    return stopServicesAction(flags, out);
  },
});

export const servicesStatusCommand = defineCommand({
  words: ['services', 'status'],
  summary: 'each service with its address, health, version and pid; exit 1 when any is not running',
  flags: onlyFlag,
  flagHelp: [onlyHelp],
  schema: onlySchema,
  async run(flags, out) {
    const { showServicesStatus } = await import('../actions/services.ts');
    return showServicesStatus(flags, out);
  },
});
