import type { ParsedMail } from 'mailparser';
import { createPool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceUrl } from '../../core/config.ts';
import { seedDemoData } from '../../demo/index.ts';
import { createPipelineDeps, type PipelineDeps, runPipeline } from '../../pipeline/index.ts';
import { buildNotifications } from '../../services/notifications/build.ts';
import { notificationsSettings } from '../../services/notifications/settings.ts';
import { loadSettings } from '../../services/shared/index.ts';
import { grantBiAccess, revokeBiAccess } from '../../warehouse/index.ts';
import { call, rowsOf, userWithRoles } from '../services/service-fixtures.ts';
import { createScratch, dropLoginRoles, type Scratch } from '../support/scratch.ts';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';
import { TEST_TABLES } from '../support/warehouse-checks.ts';
import { type BiWorld, startBiWorld } from './bi-world.ts';

/** A local day's instant in Kyiv (UTC+2 in November): `day` at `hour`:00 local. */
const kyiv = (day: string, hour: number) => new Date(Date.parse(`${day}T00:00:00Z`) + (hour - 2) * 3_600_000);
const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * Issue 16: a saved view sent as a scheduled e-mail digest. auth, the page, the gateway and
 * notifications run for real on a scratch; digests go through Kafka (the shared broker, topics of
 * this file's own) to notifications, which mails them to an SMTP server of the test's own. A regional
 * manager's digest holds their region's figures, equal to the warehouse's, and nothing of another's.
 */
describe('e-mail digests of the sales-dynamics page', () => {
  let scratch: Scratch;
  let deps: PipelineDeps;
  let world: BiWorld;
  let notifications: Awaited<ReturnType<typeof buildNotifications>>;
  let smtp: SmtpSink;
  let clock = new Date();
  /** A day with sales in both regions, and the two managers. */
  let day: string;
  const kyivManager = { email: 'kyiv.manager@techmarket.ua', region: 'UA-30' } as const;
  const vinnytsiaManager = { email: 'vinnytsia.manager@techmarket.ua', region: 'UA-05' } as const;
  let kyivUser: { id: number; accessToken: string };
  let vinnytsiaUser: { id: number; accessToken: string };
  const login = (region: string) => `bi_${scratch.suffix}_${region.replace('-', '').toLowerCase()}`;

  /** The day's revenue and orders of these regions, from the fact as its owner (no rollup, no RLS). */
  async function warehouseFigures(from: string, to: string, regions: string[]) {
    const { rows } = await deps.warehouse.query<{ revenue: string; orders: number }>(
      `select coalesce(sum(f.net_amount) filter (where f.is_revenue), 0)::numeric(16,2)::text as revenue,
              count(distinct f.order_id)::int as orders
       from dwh.fact_sales f join dwh.dim_region r using (region_key)
       where f.deleted_at is null and r.region_code = any ($3) and f.order_date_key between $1 and $2`,
      [Number(from.replaceAll('-', '')), Number(to.replaceAll('-', '')), regions],
    );
    return rows[0]!;
  }

  /** The figure on the line `label: …` of a digest mail. */
  function figure(mail: ParsedMail, label: string): string {
    const match = new RegExp(`^${label}: (\\S+)`, 'm').exec(mail.text ?? '');
    expect(match, `${label} in ${mail.text}`).not.toBeNull();
    return match![1]!;
  }

  async function mailsTo(address: string, count: number): Promise<ParsedMail[]> {
    await expect.poll(() => smtp.to(address).length, { timeout: 60_000, interval: 200 }).toBe(count);
    return smtp.to(address);
  }

  beforeAll(async () => {
    scratch = await createScratch();
    deps = createPipelineDeps(scratch.config);
    await seedDemoData(scratch.config, {
      scale: 0.05,
      seed: 'digest',
      anchorDay: '2026-11-20',
      reset: false,
      quiet: true,
    });
    await runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test' });
    const { rows } = await deps.warehouse.query<{ day: string }>(
      `select to_char(to_date(f.order_date_key::text, 'YYYYMMDD'), 'YYYY-MM-DD') as day
       from dwh.fact_sales f join dwh.dim_region r using (region_key)
       where f.is_revenue and f.deleted_at is null and r.region_code in ('UA-30', 'UA-05')
       group by 1 having count(distinct r.region_code) = 2 order by 1 desc limit 1`,
    );
    day = rows[0]!.day;

    const topic = `techmarket.bi.digests.${scratch.suffix}`;
    smtp = await startSmtpSink();
    world = await startBiWorld(scratch, { biEnv: { BI_DIGEST_TOPIC: topic }, bi: { now: () => clock } });
    notifications = await buildNotifications(
      loadSettings(notificationsSettings, {
        LOG_LEVEL: 'silent',
        PORT: '0',
        NOTIFICATIONS_DB_URL: sourceUrl(scratch.config, 'notifications'),
        BI_DIGEST_TOPIC: topic,
        ORDER_EVENTS_TOPIC: `${topic}.orders`,
        DEAD_LETTER_TOPIC: `${topic}.dead-letter`,
        CONSUMER_GROUP: `notifications-${scratch.suffix}`,
        SMTP_URL: smtp.url,
        AUTH_JWKS_URL: `${world.authUrl}/.well-known/jwks.json`,
      }),
    );
    await notifications.listen({ host: '127.0.0.1', port: 0 });

    kyivUser = await userWithRoles(world, kyivManager.email, ['sales_manager']);
    vinnytsiaUser = await userWithRoles(world, vinnytsiaManager.email, ['sales_manager']);
    for (const [manager, user] of [
      [kyivManager, kyivUser],
      [vinnytsiaManager, vinnytsiaUser],
    ] as const) {
      await grantBiAccess(deps.warehouse, {
        user: login(manager.region),
        level: 'regional',
        regions: [manager.region],
        authUserId: user.id,
        osUser: 'test',
      });
    }
  });
  afterAll(async () => {
    await notifications?.close();
    await world?.close();
    await smtp?.close();
    await deps.close();
    await scratch.drop();
    await dropLoginRoles(scratch, [login('UA-30'), login('UA-05')]);
  });

  const api = (path: string, token: string, body?: unknown, method?: string) =>
    call(`${world.gatewayUrl}/api/bi/api/${path}`, {
      token,
      ...(body === undefined ? {} : { body }),
      ...(method ? { method } : {}),
    });

  it('refuses a bad subscription with 400 naming the field, and changes nothing', async () => {
    const cadence = await api('subscriptions', kyivUser.accessToken, { cadence: 'hourly' });
    expect(cadence.status).toBe(400);
    expect(cadence.body.details.field).toBe('body.cadence');
    // a region the user cannot see is refused as if it did not exist
    const region = await api('subscriptions', kyivUser.accessToken, { cadence: 'daily', regions: ['UA-05'] });
    expect(region.status).toBe(400);
    expect(region.body.details.field).toBe('body.regions');
    const extra = await api('subscriptions', kyivUser.accessToken, {
      cadence: 'daily',
      email: 'x@evil.test',
    });
    expect(extra.status).toBe(400);
    const none = await api('subscriptions', kyivUser.accessToken);
    expect(none).toMatchObject({ status: 200, body: { items: [] } });
    const unknown = await api('subscriptions/999', kyivUser.accessToken, undefined, 'DELETE');
    expect(unknown.status).toBe(404);
    const bare = await call(`${world.gatewayUrl}/api/bi/api/subscriptions`, { body: { cadence: 'daily' } });
    expect(bare.status).toBe(401);
  });

  it("mails each regional manager one digest of the day, with their region's figures only", async () => {
    clock = kyiv(day, 10);
    const kyivSub = await api('subscriptions', kyivUser.accessToken, { cadence: 'daily' });
    expect(kyivSub.status).toBe(201);
    expect(kyivSub.body).toMatchObject({
      cadence: 'daily',
      email: kyivManager.email,
      regions: [],
      nextPeriod: { from: day, to: day },
    });
    const vinnytsiaSub = await api('subscriptions', vinnytsiaUser.accessToken, {
      cadence: 'daily',
      regions: ['UA-05'],
    });
    expect(vinnytsiaSub.status).toBe(201);
    const listed = await api('subscriptions', kyivUser.accessToken);
    expect(listed.body.items.map((s: { id: number }) => s.id)).toEqual([kyivSub.body.id]);

    // before the digest hour of the next day nothing is due; at it, both are
    expect(await world.bi.digests.dispatchDue(kyiv(nextDay(day), 6))).toEqual({ sent: 0, noAccess: 0 });
    expect(await world.bi.digests.dispatchDue(kyiv(nextDay(day), 8))).toEqual({ sent: 2, noAccess: 0 });
    expect(await world.bi.digests.dispatchDue(kyiv(nextDay(day), 9))).toEqual({ sent: 0, noAccess: 0 });

    const [kyivMail] = await mailsTo(kyivManager.email, 1);
    const [vinnytsiaMail] = await mailsTo(vinnytsiaManager.email, 1);
    for (const [manager, mail, other] of [
      [kyivManager, kyivMail!, vinnytsiaManager],
      [vinnytsiaManager, vinnytsiaMail!, kyivManager],
    ] as const) {
      const own = await warehouseFigures(day, day, [manager.region]);
      const both = await warehouseFigures(day, day, [manager.region, other.region]);
      expect(Number(own.revenue)).toBeGreaterThan(0);
      expect(both.revenue).not.toBe(own.revenue);
      expect(figure(mail, 'Revenue')).toBe(own.revenue);
      expect(Number(figure(mail, 'Orders'))).toBe(own.orders);
      expect(mail.subject).toContain(day);
      expect(mail.text).toMatch(new RegExp(`^Regions: ${manager.region} `, 'm'));
      expect(mail.text).not.toContain(other.region);
    }
    // notifications recorded them as the subscribers' own, sent
    const notes = createPool({ uri: sourceUrl(scratch.config, 'notifications'), connectionLimit: 1 });
    try {
      const stored = await rowsOf<{ recipient: string; user_id: string; status: string }>(
        notes,
        "select recipient, user_id, status from notifications where event_type = 'BiDigest' order by recipient",
      );
      expect(stored.map((n) => [n.recipient, Number(n.user_id), n.status])).toEqual([
        [kyivManager.email, kyivUser.id, 'sent'],
        [vinnytsiaManager.email, vinnytsiaUser.id, 'sent'],
      ]);
    } finally {
      await notes.end();
    }
  });

  it('hands a repeated period over again without a second mail, and sends nothing to a revoked user', async () => {
    // a dispatcher that died after Kafka took the digest but before its commit repeats the period
    await deps.warehouse.query('update bi.subscriptions set next_period_start = $1', [day]);
    await revokeBiAccess(deps.warehouse, { user: login('UA-05'), regions: [], osUser: 'test' });
    expect(await world.bi.digests.dispatchDue(kyiv(nextDay(day), 8))).toEqual({ sent: 1, noAccess: 1 });
    // the next day's digest is on the same partition, after the repeat: once it is here, so is the repeat
    expect(await world.bi.digests.dispatchDue(kyiv(nextDay(nextDay(day)), 8))).toEqual({
      sent: 1,
      noAccess: 1,
    });
    const kyivMails = await mailsTo(kyivManager.email, 2);
    expect(kyivMails[1]!.subject).toContain(nextDay(day));
    expect(smtp.to(vinnytsiaManager.email)).toHaveLength(1);
  });
});
