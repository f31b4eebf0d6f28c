import { readCdcStatus } from '../../warehouse/index.ts';
import type { PipelineDeps } from '../deps.ts';
import { qualifiedName, SOURCE_TABLES, type SourceTable } from '../source-tables.ts';
import { effectiveModes } from '../table-modes.ts';
import { consumerGroup, deadLetterTopic } from './cdc-names.ts';
import { describeConnector } from './connector-registry.ts';

export interface CdcStatus {
  consumerRunning: boolean;
  consumerGroup: string;
  deadLetterTopic: string;
  tables: {
    table: string;
    path: 'watermark' | 'cdc';
    connector: string;
    last_applied_at: string | null;
    lag_ms: number | null;
    events_applied: number;
    last_error: string | null;
  }[];
}

/** Per table: which path feeds it, its connector's state, lag and last error; whether a consumer runs. */
export async function cdcStatus(
  deps: PipelineDeps,
  tables: readonly SourceTable[] = SOURCE_TABLES,
): Promise<CdcStatus> {
  const modes = await effectiveModes(deps.warehouse, tables);
  const applied = await readCdcStatus(deps.warehouse);
  const consumerError = applied.get('*');
  const client = await deps.warehouse.connect();
  let consumerRunning: boolean;
  try {
    const { rows } = await client.query<{ free: boolean }>(
      "select pg_try_advisory_lock(hashtext('techmarket.cdc.consumer')) as free",
    );
    consumerRunning = !rows[0]!.free;
    if (!consumerRunning)
      await client.query("select pg_advisory_unlock(hashtext('techmarket.cdc.consumer'))");
  } finally {
    client.release();
  }
  const out: CdcStatus['tables'] = [];
  for (const table of tables) {
    const name = qualifiedName(table);
    const path = modes.get(name)!;
    const report = await describeConnector(deps.config, table).catch((error: Error) => ({
      state: `unknown (${error.message.split('\n')[0]})`,
      error: null,
    }));
    const row = applied.get(name);
    const errors = [
      row?.last_error,
      path === 'cdc' ? consumerError?.last_error : undefined,
      report.error,
    ].filter(Boolean);
    out.push({
      table: name,
      path,
      connector: report.state,
      last_applied_at: row?.last_applied_at ?? null,
      lag_ms: row?.lag_ms ?? null,
      events_applied: row?.events_applied ?? 0,
      last_error: errors[0] ?? null,
    });
  }
  return {
    consumerRunning,
    consumerGroup: consumerGroup(deps.config),
    deadLetterTopic: deadLetterTopic(deps.config),
    tables: out,
  };
}
