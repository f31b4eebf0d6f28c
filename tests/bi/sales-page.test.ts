import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../core/paths.ts';
import { seedDemoData } from '../../demo/index.ts';
import { createPipelineDeps, type PipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { CHROMIUM, CHROMIUM_FLAGS, ensureChromium } from '../../scripts/chromium.ts';
import { grantBiAccess } from '../../warehouse/index.ts';
import { userWithRoles } from '../services/service-fixtures.ts';
import { createScratch, dropLoginRoles, type Scratch } from '../support/scratch.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';
import { type BiWorld, startBiWorld } from './bi-world.ts';

/** The README's screenshots are refreshed on request (`SCREENSHOTS=docs npx vitest run tests/bi/sales-page.test.ts`), so a
 * plain test run leaves the working tree as it found it. */
const IMAGES =
  process.env.SCREENSHOTS === 'docs' ? join(REPO_ROOT, 'docs/images') : join(tmpdir(), 'techmarket-bi-page');
const EMAIL = 'regional.manager@techmarket.ua';
const PASSWORD = 'correct horse battery staple';
const REGIONS = ['UA-30', 'UA-05'];

/**
 * Issue 16: the sales-dynamics page in Debian's Chromium, as a regional user: log in, filter, drill
 * down month → week → day, drill through to the order lines, export CSV; the CSV's totals equal the
 * warehouse's. The browser reaches the page and auth through the gateway, on one origin, and logs in
 * with an account registered at auth, whose access token the page checks against auth's JWKS.
 */
describe('the sales-dynamics page in a browser', () => {
  let scratch: Scratch;
  let deps: PipelineDeps;
  let world: BiWorld;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  /** The regional user's access token, and one of an account with no page login. */
  let accessToken: string;
  let strangerToken: string;
  const user = () => `bi_${scratch.suffix}_page`;

  /** Revenue of revenue lines in the user's regions over [from, to], from the fact, as the owner. */
  async function warehouseRevenue(from: string, to: string, regions = REGIONS): Promise<string> {
    const { rows } = await deps.warehouse.query(
      `select coalesce(sum(f.net_amount), 0)::numeric(16,2)::text as v
       from dwh.fact_sales f join dwh.dim_region r using (region_key)
       where f.is_revenue and f.deleted_at is null and r.region_code = any ($3)
         and f.order_date_key between $1 and $2`,
      [Number(from.replaceAll('-', '')), Number(to.replaceAll('-', '')), regions],
    );
    return rows[0].v;
  }

  const cents = (v: string | number) => Math.round(Number(v) * 100);
  function csvColumnSum(csv: string, column: string): number {
    const [header, ...rows] = csv.trim().split('\r\n');
    const i = header!.split(',').indexOf(column);
    expect(i).toBeGreaterThanOrEqual(0);
    // numbers are never quoted; a quoted text field before them may hold commas: read from the end
    const fromEnd = header!.split(',').length - i;
    return rows.reduce((s, row) => s + cents(row.split(',').at(-fromEnd)!), 0);
  }

  /** Clicks the chart's point with the most revenue; returns its period. */
  async function clickBusiestPoint(): Promise<string> {
    // `state` is the page script's own top-level binding (app.js)
    const target = (await page.evaluate(`(() => {
      const u = state.chart;
      const revenue = u.data[1];
      const i = revenue.indexOf(Math.max(...revenue));
      return {
        x: u.valToPos(u.data[0][i], 'x'),
        y: u.valToPos(revenue[i], 'revenue'),
        period: new Date(u.data[0][i] * 1000).toISOString().slice(0, 10),
      };
    })()`)) as { x: number; y: number; period: string };
    const box = (await page.locator('#chart .u-over').boundingBox())!;
    await page.mouse.move(box.x + target.x, box.y + target.y);
    await page.mouse.click(box.x + target.x, box.y + target.y);
    return target.period;
  }

  beforeAll(async () => {
    ensureChromium();
    scratch = await createScratch();
    deps = createPipelineDeps(scratch.config);
    await seedDemoData(scratch.config, {
      scale: 0.05,
      seed: 'page',
      anchorDay: '2026-11-20',
      reset: false,
      quiet: true,
    });
    await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    world = await startBiWorld(scratch);
    const manager = await userWithRoles(world, EMAIL, ['sales_manager'], PASSWORD);
    accessToken = manager.accessToken;
    strangerToken = (await userWithRoles(world, 'no.page@techmarket.ua', ['sales_manager'])).accessToken;
    await grantBiAccess(deps.warehouse, {
      user: user(),
      level: 'regional',
      regions: REGIONS,
      authUserId: manager.id,
      osUser: 'test',
    });
    // the API as the page calls it: through the gateway
    baseUrl = world.pageUrl.replace(/\/$/, '');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    mkdirSync(IMAGES, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
    await deps.close();
    await scratch.drop();
    await dropLoginRoles(scratch, [user()]);
  });

  it('refuses the API without a token, and a user without a page login', async () => {
    const bare = await fetch(`${baseUrl}/api/filters`);
    expect(bare.status).toBe(401);
    const bad = await fetch(`${baseUrl}/api/series?from=2026-02-30&to=2026-03-01`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: { field: string } }).details.field).toMatch(/from/);
    const stranger = await fetch(`${baseUrl}/api/filters`, {
      headers: { authorization: `Bearer ${strangerToken}` },
    });
    expect(stranger.status).toBe(403);
  });

  it('answers the same series from the rollups as from the order lines, for every grain and filter', async () => {
    const get = async (query: string) => {
      const response = await fetch(`${baseUrl}/api/series?${query}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect([response.status, query]).toEqual([200, query]);
      return ((await response.json()) as { points: unknown[] }).points;
    };
    // the leaf category with most order lines, and its parent, which is refused
    const { rows } = await deps.warehouse.query(
      `select c.category_key::int as key,
              (select p.category_key::int from dwh.dim_category p where p.category_id = c.parent_category_id) as parent
       from dwh.fact_sales f join dwh.dim_product d using (product_key)
       join dwh.dim_category c on c.category_id = d.category_id
       group by 1, 2 order by count(*) desc limit 1`,
    );
    const parent = await fetch(
      `${baseUrl}/api/series?from=2025-11-20&to=2026-11-19&category=${rows[0].parent}`,
      {
        headers: { authorization: `Bearer ${accessToken}` },
      },
    );
    expect(parent.status).toBe(400);
    expect(((await parent.json()) as { message: string }).message).toMatch(/has subcategories/);
    const filters = [
      '',
      '&regions=UA-05',
      `&category=${rows[0].key}`,
      `&regions=UA-30&category=${rows[0].key}`,
    ];
    for (const grain of ['month', 'week', 'day']) {
      for (const filter of filters) {
        const query = `from=2025-11-20&to=2026-11-19&grain=${grain}${filter}`;
        const fromRollups = await get(query);
        expect(fromRollups.length, query).toBeGreaterThan(0);
        expect(await get(`${query}&source=lines`), query).toEqual(fromRollups);
      }
    }
  });

  it('logs in, filters, drills down month → week → day and through to the lines, and exports CSV equal to the warehouse', async () => {
    await page.goto(world.pageUrl);
    await page.fill('#login [name=email]', EMAIL);
    await page.fill('#login [name=password]', 'wrong password here');
    await page.click('#login button[type=submit]');
    await expect.poll(() => page.textContent('#login-error')).toBe('the e-mail or the password is wrong');
    await page.fill('#login [name=password]', PASSWORD);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#chart[data-grain=month]');

    // only the user's regions are offered: the database decided
    const offered = await page.$$eval('#filters [name=regions] option', (os) =>
      os.map((o) => o.getAttribute('value')),
    );
    expect(offered.sort()).toEqual([...REGIONS].sort());
    const from = await page.inputValue('#filters [name=from]');
    const to = await page.inputValue('#filters [name=to]');
    expect(cents((await page.getAttribute('#totals', 'data-revenue'))!)).toBe(
      cents(await warehouseRevenue(from, to)),
    );
    await page.screenshot({ path: join(IMAGES, 'bi-page-months.png') });

    // filter: one region
    await page.selectOption('#filters [name=regions]', ['UA-30']);
    await page.click('#filters button[type=submit]');
    await expect
      .poll(async () => cents((await page.getAttribute('#totals', 'data-revenue'))!))
      .toBe(cents(await warehouseRevenue(from, to, ['UA-30'])));

    // subscribe to this view (one region) as a weekly e-mail digest
    await page.selectOption('#subscribe [name=cadence]', 'weekly');
    await page.click('#subscribe button[type=submit]');
    await expect.poll(() => page.textContent('#subscribe-status')).toMatch(`Subscribed: ${EMAIL}`);
    const subscriptions = await fetch(`${baseUrl}/api/subscriptions`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(((await subscriptions.json()) as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ cadence: 'weekly', regions: ['UA-30'], category: null, email: EMAIL }),
    ]);

    // drill down: month → week → day
    await clickBusiestPoint();
    await page.waitForSelector('#chart[data-grain=week]');
    await clickBusiestPoint();
    await page.waitForSelector('#chart[data-grain=day]');
    await page.screenshot({ path: join(IMAGES, 'bi-page-days.png') });
    const [seriesDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-series')]);
    const seriesCsv = readFileSync((await seriesDownload.path())!, 'utf8');
    const periods = seriesCsv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((r) => r.split(',')[0]!);
    expect(csvColumnSum(seriesCsv, 'revenue')).toBe(
      cents(await warehouseRevenue(periods[0]!, periods.at(-1)!, ['UA-30'])),
    );

    // drill through: the order lines of the busiest day
    const day = await clickBusiestPoint();
    await page.waitForSelector('#lines:not([hidden]) tbody tr');
    await page.screenshot({ path: join(IMAGES, 'bi-page-lines.png'), fullPage: true });
    const [linesDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-lines')]);
    const linesCsv = readFileSync((await linesDownload.path())!, 'utf8');
    const expected = cents(await warehouseRevenue(day, day, ['UA-30']));
    expect(expected).toBeGreaterThan(0);
    expect(csvColumnSum(linesCsv, 'netRevenue')).toBe(expected);
    expect(linesCsv).not.toMatch(/,UA-05,/);
  });
});
