import { Client, Connection } from '@temporalio/client';
import type { Config } from '../core/config.ts';
import { InfraError } from '../core/errors.ts';

/** How long the CLI waits for Temporal before saying it does not answer. */
export const TEMPORAL_PROBE_TIMEOUT_MS = 3_000;
/** The dev server's Web UI listens beside the frontend on this port (ops/infra/parts/temporal.ts). */
const TEMPORAL_UI_PORT = 8233;

export interface TemporalClient {
  client: Client;
  namespace: string;
  close(): Promise<void>;
}

/**
 * Connects to Temporal and proves the frontend answers (a cheap system-info call under a deadline),
 * so callers learn at once whether to go through Temporal. Fails with an InfraError naming the address.
 */
export async function connectTemporal(
  config: Config,
  options: { probeTimeoutMs?: number; hint?: string } = {},
): Promise<TemporalClient> {
  const probeTimeoutMs = options.probeTimeoutMs ?? TEMPORAL_PROBE_TIMEOUT_MS;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({
      address: config.TEMPORAL_ADDRESS,
      connectTimeout: probeTimeoutMs,
    });
    const probe = connection;
    await probe.withDeadline(Date.now() + probeTimeoutMs, () => probe.workflowService.getSystemInfo({}));
  } catch (error) {
    await connection?.close().catch(() => {});
    throw new InfraError(`Temporal does not answer at ${config.TEMPORAL_ADDRESS}`, {
      retryable: true,
      cause: error,
      hint: options.hint ?? 'start it with: techmarket infra up',
    });
  }
  const open = connection;
  return {
    client: new Client({ connection: open, namespace: config.TEMPORAL_NAMESPACE }),
    namespace: config.TEMPORAL_NAMESPACE,
    close: () => open.close(),
  };
}

/** A page of the Temporal UI for this namespace, e.g. `workflows` (the list). */
export function temporalUiUrl(config: Config, page: string): string {
  const host = config.TEMPORAL_ADDRESS.replace(/:\d+$/, '');
  return `http://${host}:${TEMPORAL_UI_PORT}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/${page}`;
}

/** The Temporal UI page of a workflow (its history), for people following a run. */
export function temporalUiLink(config: Config, workflowId: string, runId?: string): string {
  const base = temporalUiUrl(config, `workflows/${encodeURIComponent(workflowId)}`);
  return runId ? `${base}/${runId}/history` : base;
}
