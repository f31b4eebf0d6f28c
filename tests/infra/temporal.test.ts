import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { ensureParts } from './ensure-parts.ts';
import * as activities from './fixtures/round-trip-activities.ts';
import { roundTrip } from './fixtures/round-trip-workflow.ts';

const config = loadConfig();
const TEMPORAL_UI = 'http://127.0.0.1:8233';

describe('temporal dev server', () => {
  let workerConnection: NativeConnection;
  let clientConnection: Connection;

  beforeAll(async () => {
    await ensureParts('temporal');
    workerConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  });

  afterAll(async () => {
    await clientConnection?.close();
    await workerConnection?.close();
  });

  it('runs a workflow and its activity on a worker, and the Web UI shows it', async () => {
    const taskQueue = `infra-test-${randomUUID()}`;
    const workflowId = `round-trip-${randomUUID()}`;
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./fixtures/round-trip-workflow.ts', import.meta.url)),
      activities,
    });
    const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });

    const result = await worker.runUntil(
      client.workflow.execute(roundTrip, { taskQueue, workflowId, args: ['techmarket'] }),
    );

    expect(result).toBe('TECHMARKET!');
    const description = await client.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('COMPLETED');
    const ui = await fetch(
      `${TEMPORAL_UI}/api/v1/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${workflowId}`,
    );
    expect(ui.status).toBe(200);
    expect(JSON.stringify(await ui.json())).toContain('WORKFLOW_EXECUTION_STATUS_COMPLETED');
  });
});
