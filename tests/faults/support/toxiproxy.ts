import { randomBytes } from 'node:crypto';
import { type ToxicDirection, Toxiproxy, type Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import {
  type Config,
  loadConfig,
  SOURCE_DATABASES,
  type SourceDatabase,
  sourceUrl,
} from '../../../core/config.ts';

/** The toxics the fault scenarios use, with the attributes Toxiproxy 2.5 expects for each. */
export type ToxicSpec =
  /** every chunk delayed by latency ± jitter ms */
  | { type: 'latency'; attributes: { latency: number; jitter: number } }
  /** at most `rate` KB/s */
  | { type: 'bandwidth'; attributes: { rate: number } }
  /** TCP RST after `timeout` ms (0: at the next data) */
  | { type: 'reset_peer'; attributes: { timeout: number } }
  /** data stops; the connection closes after `timeout` ms (0: never) */
  | { type: 'timeout'; attributes: { timeout: number } }
  /** the connection closes once `bytes` have passed */
  | { type: 'limit_data'; attributes: { bytes: number } };

/**
 * One proxy of one test: a unique name and a port the kernel chose (listen 127.0.0.1:0), so tests
 * running at the same time never meet on the shared Toxiproxy server. `close()` deletes it, which
 * also cuts every connection still open through it.
 */
export interface FaultProxy {
  readonly name: string;
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's: a client given it connects through. */
  via(url: string): string;
  /** Adds a toxic (upstream = client → server, downstream = server → client); returns its name. */
  add(toxic: ToxicSpec, stream?: ToxicDirection): Promise<string>;
  /** Removes every toxic: the connection is healthy again (links already cut stay cut). */
  heal(): Promise<void>;
  close(): Promise<void>;
}

function toxiproxy(): Toxiproxy {
  return new Toxiproxy(loadConfig().TOXIPROXY_URL);
}

/** A proxy in front of the server `upstreamUrl` points at (postgres://…, mysql://…). */
export async function openProxy(label: string, upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  const name = `${label}-${randomBytes(4).toString('hex')}`;
  const proxy: ToxiproxyProxy = await toxiproxy().createProxy({
    name,
    listen: '127.0.0.1:0',
    upstream: `${upstream.hostname === 'localhost' ? '127.0.0.1' : upstream.hostname}:${upstream.port}`,
  });
  const port = Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1));
  const added: string[] = [];
  return {
    name,
    port,
    via(url) {
      const through = new URL(url);
      through.hostname = '127.0.0.1';
      through.port = String(port);
      return through.toString();
    },
    async add(toxic, stream = 'downstream') {
      const toxicName = `${toxic.type}-${stream}-${added.length}`;
      await proxy.addToxic<ToxicSpec['attributes']>({
        name: toxicName,
        stream,
        toxicity: 1,
        type: toxic.type,
        attributes: toxic.attributes,
      });
      added.push(toxicName);
      return toxicName;
    },
    async heal() {
      const current = await toxiproxy().get(name);
      for (const toxicName of added.splice(0)) {
        await (await current.getToxic(toxicName)).remove();
      }
    },
    async close() {
      await proxy.remove();
    },
  };
}

/**
 * `config` with the warehouse, the sources, or both reached through proxies: what the platform under
 * test is given, while the test itself checks the result over direct connections.
 */
export function configThrough(
  config: Config,
  proxies: { warehouse?: FaultProxy; sources?: FaultProxy },
): Config {
  const through: Partial<Config> = {};
  if (proxies.warehouse) through.DWH_URL = proxies.warehouse.via(config.DWH_URL);
  if (proxies.sources) {
    for (const db of SOURCE_DATABASES) {
      const key = `${db.toUpperCase()}_DB_URL` as Uppercase<`${SourceDatabase}_db_url`>;
      through[key] = proxies.sources.via(sourceUrl(config, db));
    }
  }
  return { ...config, ...through };
}
