import type { Config } from '../../core/config.ts';

/** What every part of the local infrastructure can do; `infra up|down|status` walk a list of these. */
export interface InfraPart {
  /** Short name used on the command line and in pid files, e.g. `postgres`. */
  readonly name: string;
  /** host:port the part serves on (always 127.0.0.1). */
  readonly address: string;
  /** Parts that must be healthy before this one starts. */
  readonly dependsOn?: readonly string[];
  /** How long `up` waits for health after starting, default 60 s. */
  readonly startTimeoutSeconds?: number;
  /** Signal that stops the part quickly and cleanly, default SIGTERM. */
  readonly stopSignal?: NodeJS.Signals;
  isInstalled(): Promise<boolean>;
  /** Installs from a pinned source, reusing the cache; only called when not installed. */
  install(ctx: InfraContext): Promise<void>;
  /** Starts the server detached and returns the pid that `down` will stop. */
  start(ctx: InfraContext): Promise<number>;
  isHealthy(ctx: InfraContext): Promise<boolean>;
  /**
   * The settings the part is started with, as text: `up` restarts a part it started with other
   * settings (a server keeps the ones it started with until restarted).
   */
  startSettings?(): string;
  /** Idempotent set-up after the part is healthy: accounts, databases, topics. */
  bootstrap?(ctx: InfraContext): Promise<void>;
  version(): Promise<string | undefined>;
}

export interface InfraContext {
  config: Config;
  /** Progress lines for the operator. */
  log(line: string): void;
}

export type PartState = 'running' | 'external' | 'stopped' | 'unhealthy';

export interface PartStatus {
  name: string;
  address: string;
  state: PartState;
  /** Started by `infra up` (and so stopped by `infra down`). */
  owned: boolean;
  pid: number | undefined;
  version: string | undefined;
}
