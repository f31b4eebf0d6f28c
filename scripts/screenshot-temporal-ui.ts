/**
 * Saves screenshots of the Temporal Web UI listing the ETL runs, for the README:
 * docs/images/temporal-ui.png (the workflow list) and docs/images/temporal-ui-run.png (the latest
 * dailyPipeline run's history). Uses Debian's Chromium through playwright-core, installing the package
 * with apt-get when it is missing; it never downloads a browser of its own.
 *
 *   npm run docs:temporal-ui            (Temporal up, some runs made: techmarket etl run, etl backfill)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { config } from '../core/config.ts';
import { REPO_ROOT } from '../core/paths.ts';
import { connectTemporal, temporalUiLink, temporalUiUrl } from '../workflows/client.ts';
import { etlTaskQueue } from '../workflows/constants.ts';
import { CHROMIUM, CHROMIUM_FLAGS, ensureChromium } from './chromium.ts';

const OUT_DIR = join(REPO_ROOT, 'docs/images');
const VIEWPORT = { width: 1600, height: 1000 };

/** The newest dailyPipeline run, for the second screenshot. */
async function latestDailyRun(): Promise<{ workflowId: string; runId: string } | undefined> {
  const temporal = await connectTemporal(config());
  try {
    const query = `WorkflowType = "dailyPipeline" AND TaskQueue = "${etlTaskQueue()}"`;
    for await (const run of temporal.client.workflow.list({ query })) {
      return { workflowId: run.workflowId, runId: run.runId };
    }
    return undefined;
  } finally {
    await temporal.close();
  }
}

ensureChromium();
mkdirSync(OUT_DIR, { recursive: true });
const cfg = config();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
try {
  const page = await browser.newPage({ viewport: VIEWPORT });
  // The operators' task queue: tests run theirs on task queues of their own, left out here.
  const query = `TaskQueue="${etlTaskQueue()}"`;
  const listUrl = `${temporalUiUrl(cfg, 'workflows')}?query=${encodeURIComponent(query)}`;
  await page.goto(listUrl, { waitUntil: 'networkidle' });
  await page
    .getByText(/dailyPipeline|backfill/)
    .first()
    .waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(OUT_DIR, 'temporal-ui.png') });
  process.stderr.write(`saved docs/images/temporal-ui.png (${listUrl})\n`);

  const daily = await latestDailyRun();
  if (daily) {
    await page.goto(temporalUiLink(cfg, daily.workflowId, daily.runId), { waitUntil: 'networkidle' });
    await page.getByText(daily.workflowId).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(OUT_DIR, 'temporal-ui-run.png') });
    process.stderr.write(`saved docs/images/temporal-ui-run.png (${daily.workflowId})\n`);
  }
} finally {
  await browser.close();
}
