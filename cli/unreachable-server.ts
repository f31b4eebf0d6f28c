import { type Config, SOURCE_DATABASES, sourceUrl } from '../core/config.ts';
import { InfraError } from '../core/errors.ts';
import { ConnectionLostError } from '../pipeline/connection-lost.ts';

/** Node's codes for a server that could not be reached at all (not one that answered with an error). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

interface Server {
  what: string;
  setting: string;
  host: string;
  port: string;
}

const DEFAULT_PORTS: Record<string, string> = { 'postgres:': '5432', 'mysql:': '3306', 'http:': '80' };

function fromUrl(what: string, setting: string, value: string): Server {
  const url = new URL(value);
  return { what, setting, host: url.hostname, port: url.port || (DEFAULT_PORTS[url.protocol] ?? '') };
}

/** Every server the settings point at, named for an operator. */
function servers(cfg: Config): Server[] {
  return [
    fromUrl('the warehouse', 'DWH_URL', cfg.DWH_URL),
    ...SOURCE_DATABASES.map((db) =>
      fromUrl(`the source database ${db}`, `${db.toUpperCase()}_DB_URL`, sourceUrl(cfg, db)),
    ),
    fromUrl('Kafka Connect', 'KAFKA_CONNECT_URL', cfg.KAFKA_CONNECT_URL),
  ];
}

/** localhost and 127.0.0.1 are one address (Node connects to the latter for the former). */
const loopback = (host: string) => (host === 'localhost' ? '127.0.0.1' : host);

/** The first error in a cause chain that carries a system error code. */
function systemError(error: unknown): (Error & { code: string }) | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return e as Error & { code: string };
  }
  return undefined;
}

/**
 * Turns "connect ECONNREFUSED 127.0.0.1:3399" into an error that names the server and the setting
 * that points there, and says what to check; undefined for any other error. Several settings may
 * point at one server (the five sources share one MariaDB): each is named.
 */
export function explainUnreachable(error: unknown, cfg: Config): InfraError | undefined {
  // Already explained by the run, which knows which database broke and that it had been reached; a
  // new connection reset by the same fault leaves a "connect ECONNRESET host:port" in its chain.
  if (error instanceof ConnectionLostError) return undefined;
  const cause = systemError(error);
  if (!cause) return undefined;
  const at = /(\S+):(\d+)\s*$/.exec(cause.message);
  if (!at) return undefined;
  const [, host, port] = at;
  const matching = servers(cfg).filter((s) => s.port === port && loopback(s.host) === loopback(host!));
  if (matching.length === 0) return undefined;
  const names = matching.map((s) => `${s.what} (${s.setting})`).join(', ');
  return new InfraError(`${names} at ${host}:${port} cannot be reached: ${cause.code}`, {
    hint: `is it running? see techmarket infra status (techmarket infra up starts it); or check ${matching
      .map((s) => s.setting)
      .join(', ')}`,
    retryable: true,
    cause: error,
  });
}
