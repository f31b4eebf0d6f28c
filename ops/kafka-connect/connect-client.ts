import { InfraError } from '../../core/errors.ts';

/** The few Kafka Connect REST calls the platform makes: register, inspect and remove a connector. */
export interface ConnectorStatus {
  name: string;
  connector: { state: string; trace?: string };
  tasks: { id: number; state: string; trace?: string }[];
}

async function call(connectUrl: string, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(new URL(path, connectUrl), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000), // validating a connector opens a database connection
  });
  if (!response.ok && response.status !== 404) {
    const text = await response.text();
    // Connect's own words, whole: its validation errors list every bad setting.
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {}
    throw new InfraError(`Kafka Connect ${method} ${path} answered ${response.status}: ${message}`, {
      retryable: response.status >= 500,
      hint: 'read LOG_DIR/kafka-connect.log for the connector error',
    });
  }
  return response;
}

/** Creates the connector or updates its configuration (PUT is idempotent). */
export async function putConnector(connectUrl: string, name: string, config: Record<string, string>) {
  await call(connectUrl, 'PUT', `/connectors/${encodeURIComponent(name)}/config`, config);
}

export async function connectorStatus(
  connectUrl: string,
  name: string,
): Promise<ConnectorStatus | undefined> {
  const response = await call(connectUrl, 'GET', `/connectors/${encodeURIComponent(name)}/status`);
  return response.status === 404 ? undefined : ((await response.json()) as ConnectorStatus);
}

/** Removes the connector; one that does not exist is already removed. */
export async function deleteConnector(connectUrl: string, name: string): Promise<void> {
  await call(connectUrl, 'DELETE', `/connectors/${encodeURIComponent(name)}`);
}

/** The configuration a connector runs with, or undefined when there is no such connector. */
export async function connectorConfig(
  connectUrl: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  const response = await call(connectUrl, 'GET', `/connectors/${encodeURIComponent(name)}/config`);
  return response.status === 404 ? undefined : ((await response.json()) as Record<string, string>);
}

/** Stops a connector (its tasks end; its offsets may then be reset). */
export async function stopConnector(connectUrl: string, name: string): Promise<void> {
  await call(connectUrl, 'PUT', `/connectors/${encodeURIComponent(name)}/stop`);
}

/** Forgets a stopped connector's source offsets: registered again, it starts afresh. */
export async function resetConnectorOffsets(connectUrl: string, name: string): Promise<void> {
  await call(connectUrl, 'DELETE', `/connectors/${encodeURIComponent(name)}/offsets`);
}
