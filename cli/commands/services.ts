import { z } from 'zod';
import { SERVICE_PROCESSES } from '../../ops/services/service-processes.ts';
import { defineCommand, type FlagValues, listFlagSchema, switchFlag, valueFlag } from '../command.ts';

const onlyFlags = {
  only: valueFlag(
    'a,b',
    `only these services (${SERVICE_PROCESSES.map((s) => s.name).join(', ')})`,
    listFlagSchema,
  ),
};
const startFlags = {
  ...onlyFlags,
  foreground: switchFlag(
    'run one service attached (containers): --only names exactly one',
    z.boolean().default(false),
  ),
};
export type ServicesFlags = FlagValues<typeof onlyFlags>;
export type ServicesStartFlags = FlagValues<typeof startFlags>;

export const servicesStartCommand = defineCommand({
  words: ['services', 'start'],
  summary: 'start the services and the gateway as native processes (pids and logs like infra parts)',
  flags: startFlags,
  async run(flags, out) {
    const { startServicesAction } = await import('../actions/services.ts');
    return startServicesAction(flags, out);
  },
});

export const servicesStopCommand = defineCommand({
  words: ['services', 'stop'],
  summary: 'stop the services `services start` started, letting requests in flight finish',
  flags: onlyFlags,
  async run(flags, out) {
    const { stopServicesAction } = await import('../actions/services.ts');
    return stopServicesAction(flags, out);
  },
});

export const servicesStatusCommand = defineCommand({
  words: ['services', 'status'],
  summary: 'each service with its address, health, version and pid; exit 1 when any is not running',
  flags: onlyFlags,
  async run(flags, out) {
    const { showServicesStatus } = await import('../actions/services.ts');
    return showServicesStatus(flags, out);
  },
});

const adminCreateFlags = {
  email: valueFlag(
    'E',
    'the first admin account’s e-mail (required)',
    z.email({
      error: (issue) =>
        issue.input === undefined
          ? 'is required (e.g. --email admin@example.com)'
          : 'must be an e-mail address',
    }),
  ),
  name: valueFlag('N', 'its full name (default Administrator)', z.string().trim().min(1).max(200).optional()),
  'password-file': valueFlag(
    'F',
    'read the password from the first line of F (`-` for stdin); otherwise TECHMARKET_ADMIN_PASSWORD',
    z.string().min(1, 'needs a file name, or - for stdin').optional(),
  ),
};
export type ServicesAdminCreateFlags = FlagValues<typeof adminCreateFlags>;

export const servicesAdminCreateCommand = defineCommand({
  words: ['services', 'admin', 'create'],
  summary: 'create the first admin account in the auth database (refused once an admin exists)',
  flags: adminCreateFlags,
  notes: [
    'The password never goes on the command line: give --password-file F (or - to pipe it on stdin),',
    'or set TECHMARKET_ADMIN_PASSWORD. Further admins are made by an admin: PUT /api/auth/users/{id}/roles.',
  ],
  async run(flags, out) {
    const { createFirstAdmin } = await import('../actions/services-admin.ts');
    return createFirstAdmin(flags, out);
  },
});
