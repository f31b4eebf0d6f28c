import type { Command } from '../command.ts';
import { biGrantCommand, biRevokeCommand, biUsersCommand } from './bi.ts';
import {
  cdcConnectorsRegisterCommand,
  cdcConnectorsRemoveCommand,
  cdcConnectorsStatusCommand,
  cdcStartCommand,
  cdcStatusCommand,
  cdcSwitchCommand,
} from './cdc.ts';
import { dbMigrateCommand } from './db.ts';
import { dqReportCommand, dqRulesCommand, dqRunCommand } from './dq.ts';
import {
  etlBackfillCommand,
  etlCancelCommand,
  etlResetCommand,
  etlRunCommand,
  etlStatusCommand,
} from './etl.ts';
import { infraDownCommand, infraStatusCommand, infraUpCommand } from './infra.ts';
import { logsCommand } from './logs.ts';
import {
  scheduleCreateCommand,
  scheduleDescribeCommand,
  schedulePauseCommand,
  scheduleTriggerCommand,
  scheduleUnpauseCommand,
} from './schedule.ts';
import { seedCommand } from './seed.ts';
import {
  servicesAdminCreateCommand,
  servicesStartCommand,
  servicesStatusCommand,
  servicesStopCommand,
} from './services.ts';
import { simulateCommand } from './simulate.ts';
import { trafficCommand } from './traffic.ts';
import { workerCommand } from './worker.ts';

/** Every verb of `techmarket`; `main` picks the one whose words match the start of argv. */
export const COMMANDS: readonly Command[] = [
  infraUpCommand,
  infraDownCommand,
  infraStatusCommand,
  dbMigrateCommand,
  etlRunCommand,
  etlBackfillCommand,
  etlStatusCommand,
  etlResetCommand,
  etlCancelCommand,
  seedCommand,
  servicesStartCommand,
  servicesStopCommand,
  servicesStatusCommand,
  servicesAdminCreateCommand,
  dqRunCommand,
  dqReportCommand,
  dqRulesCommand,
  simulateCommand,
  trafficCommand,
  scheduleCreateCommand,
  scheduleDescribeCommand,
  schedulePauseCommand,
  scheduleUnpauseCommand,
  scheduleTriggerCommand,
  workerCommand,
  biGrantCommand,
  biRevokeCommand,
  biUsersCommand,
  logsCommand,
  cdcConnectorsRegisterCommand,
  cdcConnectorsStatusCommand,
  cdcConnectorsRemoveCommand,
  cdcStartCommand,
  cdcStatusCommand,
  cdcSwitchCommand,
];
