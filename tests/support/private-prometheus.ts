import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { REPO_ROOT } from '../../core/paths.ts';

/**
 * A Prometheus of a test file's own: the binary and the alert rules the platform runs, scraping only
 * the targets the test names, every second. The shared Prometheus scrapes fixed ports (7100, …)
 * that a test cannot take without clashing with a real worker or another engineer's run, and its
 * alerts are the operators'; a test's forced failures stay here.
 */
export interface PrivatePrometheus {
  url: string;
  /** An instant query; the API's error text when it does not evaluate. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  alerts(): Promise<{ labels: Record<string, string>; state: string }[]>;
  /** Waits until an alert with these labels is in `state`; throws naming what it saw instead. */
  waitForAlert(
    labels: Record<string, string>,
    state: 'pending' | 'firing',
    timeoutSeconds: number,
  ): Promise<void>;
  /** Waits until `expr` returns at least one series. */
  waitForSeries(expr: string, timeoutSeconds: number): Promise<void>;
  close(): Promise<void>;
}

export interface ScrapeTarget {
  job: string;
  address: string;
  labels?: Record<string, string>;
  honorLabels?: boolean;
}

const RULES = join(REPO_ROOT, 'ops/prometheus/rules/techmarket.rules.yml');
const ruleFileSchema = z.object({
  groups: z.array(
    z.object({ name: z.string(), interval: z.string().optional(), rules: z.array(z.looseObject({})) }),
  ),
});

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * The platform's rules evaluated every second, with every `for` above `forSeconds` cut to it: the
 * same expressions, firing within a test's patience (promtool tests the real windows).
 */
function quickRules(forSeconds: number): string {
  const file = ruleFileSchema.parse(parse(readFileSync(RULES, 'utf8')));
  for (const group of file.groups) {
    group.interval = '1s';
    for (const rule of group.rules) if (rule.for && rule.for !== '0s') rule.for = `${forSeconds}s`;
  }
  return stringify(file);
}

export async function startPrivatePrometheus(
  targets: readonly ScrapeTarget[],
  options: { forSeconds?: number } = {},
): Promise<PrivatePrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  writeFileSync(join(dir, 'rules.yml'), quickRules(options.forSeconds ?? 3));
  const jobs = new Map<string, ScrapeTarget[]>();
  for (const target of targets) jobs.set(target.job, [...(jobs.get(target.job) ?? []), target]);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ['rules.yml'],
      scrape_configs: [...jobs].map(([job, list]) => ({
        job_name: job,
        honor_labels: list.some((t) => t.honorLabels),
        static_configs: list.map((t) => ({ targets: [t.address], labels: t.labels ?? {} })),
      })),
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      // The repository's own console pages (the operator overview) and their library.
      `--web.console.templates=${join(REPO_ROOT, 'ops/prometheus/consoles')}`,
      `--web.console.libraries=${join(REPO_ROOT, 'ops/prometheus/console_libraries')}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const api = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error}`);
    return body.data;
  };
  const poll = async (check: () => Promise<boolean>, timeoutSeconds: number, what: () => Promise<string>) => {
    const deadline = Date.now() + timeoutSeconds * 1000;
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`waited ${timeoutSeconds}s for ${await what()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const prometheus: PrivatePrometheus = {
    url,
    async query(expr) {
      const data = (await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as {
        resultType: string;
        result: { metric: Record<string, string>; value: [number, string] }[] | [number, string];
      };
      // A scalar answers one value without labels.
      return Array.isArray(data.result[0]) || typeof data.result[0] === 'number'
        ? [{ metric: {}, value: data.result as [number, string] }]
        : (data.result as { metric: Record<string, string>; value: [number, string] }[]);
    },
    async alerts() {
      return (
        (await api('/api/v1/alerts')) as { alerts: { labels: Record<string, string>; state: string }[] }
      ).alerts;
    },
    async waitForAlert(labels, state, timeoutSeconds) {
      const matches = async () =>
        (await prometheus.alerts()).some(
          (a) => a.state === state && Object.entries(labels).every(([k, v]) => a.labels[k] === v),
        );
      await poll(matches, timeoutSeconds, async () => {
        const seen = await prometheus.alerts().catch(() => []);
        return `${JSON.stringify(labels)} ${state}; saw ${JSON.stringify(seen.map((a) => [a.labels, a.state]))}`;
      });
    },
    async waitForSeries(expr, timeoutSeconds) {
      await poll(
        async () => (await prometheus.query(expr)).length > 0,
        timeoutSeconds,
        async () => `series of ${expr}`,
      );
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await poll(
    async () => (await fetch(`${url}/-/ready`)).ok,
    30,
    async () => `Prometheus to start: ${stderr}`,
  );
  return prometheus;
}
