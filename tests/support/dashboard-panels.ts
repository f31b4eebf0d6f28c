import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from '../../core/paths.ts';
import type { PrivatePrometheus } from './private-prometheus.ts';
import { waitUntil } from './wait-until.ts';

const DASHBOARDS = join(REPO_ROOT, 'ops/grafana/dashboards');

const dashboardSchema = z.object({
  uid: z.string(),
  title: z.string(),
  panels: z.array(
    z.object({ title: z.string(), targets: z.array(z.object({ expr: z.string().min(1) })).min(1) }),
  ),
});

export interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

/** Every panel query of the Grafana dashboards docker-compose provisions. */
export const panelQueries: readonly PanelQuery[] = readdirSync(DASHBOARDS)
  .filter((name) => name.endsWith('.json'))
  .flatMap((name) => {
    const dashboard = dashboardSchema.parse(JSON.parse(readFileSync(join(DASHBOARDS, name), 'utf8')));
    return dashboard.panels.flatMap((panel) =>
      panel.targets.map((target) => ({ dashboard: dashboard.uid, panel: panel.title, expr: target.expr })),
    );
  });

/** Grafana's variables as the dashboards' defaults give them. */
export const withVariables = (expr: string, warehouse: string) => expr.replaceAll('$warehouse', warehouse);

/**
 * Waits until every panel of these dashboards shows a number, and returns the ones that still show
 * none (`dashboard / panel`) when the time is up. A rate needs two scrapes that saw its series move,
 * so a panel can take a few scrape intervals after the traffic.
 */
export async function panelsWithoutData(
  prometheus: PrivatePrometheus,
  dashboards: readonly string[],
  { warehouse = 'dwh', timeoutMs = 60_000 }: { warehouse?: string; timeoutMs?: number } = {},
): Promise<string[]> {
  const queries = panelQueries.filter((q) => dashboards.includes(q.dashboard));
  const empty = async () => {
    const missing: string[] = [];
    for (const query of queries) {
      const series = await prometheus.query(withVariables(query.expr, warehouse));
      if (!series.some((s) => Number.isFinite(Number(s.value[1]))))
        missing.push(`${query.dashboard} / ${query.panel}`);
    }
    return missing;
  };
  let missing: string[] = [];
  await waitUntil(
    'every panel to show data',
    async () => {
      missing = await empty();
      return missing.length === 0;
    },
    timeoutMs / 1000,
    1000,
  ).catch(() => {}); // the caller asserts on the panels still missing, which names them
  return missing;
}
