import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorReply } from '../../shared/index.ts';
import { toCsv } from '../csv.ts';
import type { SalesRepository } from '../sales-repository.ts';
import { linesQuery, salesLine, seriesPoint, seriesQuery } from '../sales-schemas.ts';

const errors = { 400: errorReply, 401: errorReply, 403: errorReply };
const csvText = z.string().describe('text/csv');

/** The page's REST API: filters, the time series, the order lines behind a point; JSON or CSV. */
export async function salesRoutes(
  fastify: FastifyInstance,
  options: { sales: SalesRepository; csvMaxLines: number },
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { sales } = options;

  app.get(
    '/filters',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'The regions (only the caller’s), categories and days with data',
        response: {
          200: z.object({
            regions: z.array(z.object({ code: z.string(), name: z.string() })),
            categories: z.array(z.object({ key: z.number(), path: z.string(), depth: z.number() })),
            firstDay: z.string().nullable(),
            lastDay: z.string().nullable(),
          }),
          ...errors,
        },
      },
    },
    async (request) => sales.filters(request.principal!.userId),
  );

  app.get(
    '/series',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Revenue and orders per month, week or day',
        querystring: seriesQuery,
        response: { 200: z.object({ grain: z.string(), points: z.array(seriesPoint) }), ...errors },
      },
    },
    async (request) => ({
      grain: request.query.grain,
      points: await sales.series(request.principal!.userId, request.query),
    }),
  );

  app.get(
    '/series.csv',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'The time series as CSV (what the chart shows)',
        querystring: seriesQuery,
        response: { 200: csvText, ...errors },
      },
    },
    async (request, reply) => {
      const points = await sales.series(request.principal!.userId, request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="sales-${request.query.grain}.csv"`)
        .send(toCsv(points, ['period', 'revenue', 'orders', 'revenueOrders', 'units']));
    },
  );

  app.get(
    '/lines',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'The order lines behind a point (drill-through), keyset-paginated',
        querystring: linesQuery,
        response: {
          200: z.object({ items: z.array(salesLine), nextCursor: z.string().nullable() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const items = await sales.lines(request.principal!.userId, q, q.limit + 1);
      const page = items.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page,
        nextCursor: items.length > q.limit && last ? `${last.orderDate},${last.orderItemId}` : null,
      };
    },
  );

  app.get(
    '/lines.csv',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Every order line behind the filter as CSV (up to CSV_MAX_LINES)',
        querystring: linesQuery,
        response: { 200: csvText, ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const lines = await sales.lines(
        request.principal!.userId,
        { ...q, cursor: undefined },
        options.csvMaxLines,
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="sales-lines-${q.from}-${q.to}.csv"`)
        .send(toCsv(lines as unknown as Record<string, unknown>[], LINE_COLUMNS));
    },
  );
}

const LINE_COLUMNS = [
  'orderDate',
  'orderId',
  'orderItemId',
  'regionCode',
  'categoryName',
  'sku',
  'productName',
  'managerName',
  'paymentMethod',
  'status',
  'quantity',
  'netAmount',
  'netRevenue',
];
