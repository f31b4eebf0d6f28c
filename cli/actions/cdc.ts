import { config } from '../../core/config.ts';
import { logger } from '../../core/logger.ts';
import { startMetricsServer } from '../../core/metrics.ts';
import {
  type ConnectorReport,
  cdcStatus,
  describeConnector,
  type RegisteredConnector,
  registerConnector,
  removeConnector,
  runCdcConsumer,
  switchTable,
  warehouseHolds,
} from '../../pipeline/cdc/index.ts';
import {
  createPipelineDeps,
  onCdcPath,
  qualifiedName,
  SOURCE_TABLES,
  type SourceTable,
  selectSourceTables,
} from '../../pipeline/index.ts';
import type { CdcConnectorsFlags, CdcStartFlags, CdcSwitchFlags } from '../commands/cdc.ts';
import type { Output } from '../output.ts';

type Deps = ReturnType<typeof createPipelineDeps>;

/** Named tables, or every table on the CDC path. */
async function tablesFor(deps: Deps, names: string[]): Promise<SourceTable[]> {
  return names.length > 0 ? selectSourceTables(names) : onCdcPath(deps.warehouse, SOURCE_TABLES);
}

export async function registerConnectors(flags: CdcConnectorsFlags, out: Output): Promise<number> {
  const deps = createPipelineDeps(config());
  try {
    const results: RegisteredConnector[] = [];
    for (const table of await tablesFor(deps, flags.tables)) {
      results.push(await registerConnector(deps.config, table, await warehouseHolds(deps, table)));
    }
    out.result(results, () =>
      results.length === 0
        ? 'no table is on the CDC path: name them with --tables, or switch one with techmarket cdc switch'
        : out.table(results),
    );
    return 0;
  } finally {
    await deps.close();
  }
}

export async function showConnectors(flags: CdcConnectorsFlags, out: Output): Promise<number> {
  const cfg = config();
  const tables = flags.tables.length > 0 ? selectSourceTables(flags.tables) : SOURCE_TABLES;
  const reports: ConnectorReport[] = [];
  for (const table of tables) reports.push(await describeConnector(cfg, table));
  out.result(reports, () => out.table(reports));
  return reports.some((r) => r.error) ? 1 : 0;
}

export async function removeConnectors(flags: CdcConnectorsFlags, out: Output): Promise<number> {
  const deps = createPipelineDeps(config());
  try {
    const results: { table: string; removed: boolean }[] = [];
    for (const table of await tablesFor(deps, flags.tables)) {
      results.push({ table: qualifiedName(table), removed: await removeConnector(deps.config, table) });
    }
    out.result(results, () => out.table(results));
    return 0;
  } finally {
    await deps.close();
  }
}

export async function startConsumer(flags: CdcStartFlags, out: Output): Promise<number> {
  const deps = createPipelineDeps(config());
  const metrics = await startMetricsServer(flags['metrics-port']);
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'cdc consumer stopping after the batch under way');
      stop.abort();
    });
  }
  let applied = 0;
  let lastReport = Date.now();
  try {
    out.result(
      { metrics: `http://127.0.0.1:${metrics.port}/metrics` },
      () => `cdc consumer started; metrics on http://127.0.0.1:${metrics.port}/metrics`,
    );
    await runCdcConsumer(deps, stop.signal, {
      maxBatchMessages: flags['max-batch'],
      maxBatchMs: flags['max-wait-ms'],
      holdWhileBacklog: flags['hold-while-backlog'],
      maxLoadEvents: flags['max-load-events'],
      onBatch: (outcome) => {
        applied += outcome.events;
        // Progress for people, at most every 5 s; JSON logs carry every batch.
        logger.debug({ ...outcome, sourceTimesMs: undefined }, 'cdc batch applied');
        if (Date.now() - lastReport > 5_000) {
          lastReport = Date.now();
          logger.info({ applied }, 'cdc events applied so far');
        }
      },
    });
    return 0;
  } finally {
    await metrics.close();
    await deps.close();
  }
}

export async function showCdcStatus(out: Output): Promise<number> {
  const deps = createPipelineDeps(config());
  try {
    const status = await cdcStatus(deps);
    out.result(status, () =>
      [
        `consumer ${status.consumerRunning ? 'running' : 'not running'} (group ${status.consumerGroup}); dead letters go to ${status.deadLetterTopic}`,
        out.table(status.tables),
      ].join('\n'),
    );
    return 0;
  } finally {
    await deps.close();
  }
}

export async function switchPath(flags: CdcSwitchFlags, out: Output): Promise<number> {
  const [table] = selectSourceTables([flags.table]);
  const deps = createPipelineDeps(config());
  try {
    const outcome = await switchTable(deps, table!, flags.to, (line) => out.line(line));
    out.result(outcome, () =>
      outcome.changed
        ? `${outcome.table}: ${outcome.from} → ${outcome.to} at ${JSON.stringify(outcome.position)}`
        : `${outcome.table} is already fed by ${outcome.to}`,
    );
    return 0;
  } finally {
    await deps.close();
  }
}
