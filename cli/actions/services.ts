import { UsageError } from '../../core/errors.ts';
import { LOG_DIR } from '../../core/paths.ts';
import {
  runServiceInForeground,
  selectServices,
  serviceStatus,
  startServices,
  stopServices,
} from '../../ops/services/service-processes.ts';
import type { ServicesFlags, ServicesStartFlags } from '../commands/services.ts';
import type { Output } from '../output.ts';

export async function startServicesAction(flags: ServicesStartFlags, out: Output): Promise<number> {
  const services = selectServices(flags.only);
  if (flags.foreground) {
    if (flags.only.length !== 1) throw new UsageError('--foreground needs --only with exactly one service');
    return runServiceInForeground(services[0]!);
  }
  const outcomes = await startServices(services, (line) =>
    out.json ? process.stderr.write(`${line}\n`) : out.line(line),
  );
  out.result({ services: outcomes }, () => `${out.table(outcomes)}\nlogs: ${LOG_DIR}`);
  return 0;
}

export async function stopServicesAction(flags: ServicesFlags, out: Output): Promise<number> {
  out.result({ services: await stopServices(selectServices(flags.only)) });
  return 0;
}

export async function showServicesStatus(flags: ServicesFlags, out: Output): Promise<number> {
  const statuses = await serviceStatus(selectServices(flags.only));
  out.result({ services: statuses, logs: LOG_DIR }, () => `${out.table(statuses)}\nlogs: ${LOG_DIR}`);
  return statuses.every((s) => s.state === 'running' || s.state === 'external') ? 0 : 1;
}
