/**
 * A constant arrival rate: requests sent at evenly spaced instants whatever the answers do (an open
 * model, as wrk2 and k6's constant-arrival-rate executor load). autocannon's fixed rate instead lets
 * each connection send its share of a second back to back and then wait for the next second
 * (autocannon issue #174), so its p99 at "1,000/s" is the latency of 1,000-request bursts.
 * vegeta (Go module proxy, pinned, built into the cache folder by the infra parts' `goInstall`) paces
 * the requests; docs/decisions/0034-constant-arrival-rate-load.md says why both generators stay.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { exec } from '../core/exec.ts';
import { CACHE_DIR } from '../core/paths.ts';
import { goInstall } from '../ops/infra/go.ts';

export interface ConstantRateResult {
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  /** Answers that were not 2xx, by status code; status 0 is a request that got no answer. */
  non2xxByStatus: Record<string, number>;
  /** CPU ms (user + system) the generator itself used, to put on the bill of the two cores. */
  generatorCpuMs: number;
}

export interface ConstantRateRequest {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
}

const reportSchema = z.object({
  requests: z.number(),
  throughput: z.number(),
  latencies: z.object({ '50th': z.number(), '99th': z.number(), max: z.number() }),
  status_codes: z.record(z.string(), z.number()),
});

const VEGETA_VERSION = 'v12.13.0';
const VEGETA_BIN_DIR = join(CACHE_DIR, `vegeta-${VEGETA_VERSION}`);
const VEGETA_BIN = join(VEGETA_BIN_DIR, 'vegeta');

/** The vegeta executable, built on first use (about 50 s; a second run finds it). */
async function vegeta(): Promise<string> {
  if (!existsSync(VEGETA_BIN)) {
    await goInstall(
      { module: 'github.com/tsenart/vegeta/v12', version: VEGETA_VERSION, binDir: VEGETA_BIN_DIR },
      (line) => process.stderr.write(`${line}\n`),
    );
  }
  return VEGETA_BIN;
}

/** bash's `times` prints the children's user and system time last, as `XmY.YYYs XmY.YYYs`. */
export function childrenCpuMs(timesOutput: string): number {
  const last = timesOutput.trim().split('\n').at(-1) ?? '';
  const parts = [...last.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2)
    throw new Error(`cannot read the generator's CPU time from ${JSON.stringify(last)}`);
  return parts.reduce((ms, [, minutes, seconds]) => ms + (Number(minutes) * 60 + Number(seconds)) * 1000, 0);
}

const nsToMs = (ns: number) => Math.round(ns / 10_000) / 100;

/**
 * Sends `rate` requests a second for `seconds`, going round `requests` in turn (HTTP/2 over TLS where
 * the server offers it, as browsers do; keep-alive; certificates not checked, they are the bench's
 * own; bodies read but not kept, and Go's collector run a quarter as often, so the generator takes
 * less of the cores it shares with what it measures), and reports what came back. `workDir` keeps
 * the targets and the raw results of the last attack (`vegeta report -type=hist` or `vegeta plot`
 * read them).
 */
export async function attackAtConstantRate(
  requests: readonly ConstantRateRequest[],
  rate: number,
  seconds: number,
  workDir: string,
): Promise<ConstantRateResult> {
  const bin = await vegeta();
  const targets = join(workDir, 'vegeta-targets.json');
  const results = join(workDir, 'vegeta-results.bin');
  writeFileSync(
    targets,
    requests
      .map(
        (request) =>
          `${JSON.stringify({
            method: request.method ?? 'GET',
            url: request.url,
            ...(request.body
              ? {
                  body: Buffer.from(request.body).toString('base64'),
                  header: { 'content-type': ['application/json'] },
                }
              : {}),
          })}\n`,
      )
      .join(''),
  );
  const attack = await exec('bash', [
    '-c',
    'GOGC=400 "$0" attack -format=json -targets="$1" -rate="$2/1s" -duration="$3s" -insecure -keepalive=true -max-body=0 -output="$4" && times',
    bin,
    targets,
    String(rate),
    String(seconds),
    results,
  ]);
  const report = reportSchema.parse(JSON.parse((await exec(bin, ['report', '-type=json', results])).stdout));
  return {
    achievedRate: Math.round(report.throughput),
    p50Ms: nsToMs(report.latencies['50th']),
    p99Ms: nsToMs(report.latencies['99th']),
    maxMs: nsToMs(report.latencies.max),
    requests: report.requests,
    non2xxByStatus: Object.fromEntries(
      Object.entries(report.status_codes).filter(([status]) => !status.startsWith('2')),
    ),
    generatorCpuMs: childrenCpuMs(attack.stdout),
  };
}
