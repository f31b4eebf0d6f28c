import { z } from 'zod';
import { serviceSettings } from '../shared/index.ts';

const upstream = (port: number) => z.string().default(`http://127.0.0.1:${port}`).pipe(z.url());

/** The gateway's settings: the shared ones plus these, each with a `*_FILE` form. */
export const gatewaySettings = serviceSettings.extend({
  /** Port, default 8080 (DESIGN.md 1). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** Where each service answers; defaults are the ports of DESIGN.md 1. */
  AUTH_URL: upstream(7001),
  ORDERS_URL: upstream(7002),
  CATALOG_URL: upstream(7003),
  PAYMENTS_URL: upstream(7004),
  NOTIFICATIONS_URL: upstream(7005),
  /** The sales-dynamics page (services/bi), reached at /api/bi/. */
  BI_URL: upstream(7006),
  /**
   * Requests per client address per minute, default 12000 (200/s): far above a person, low enough
   * that one address cannot take the services' capacity. nginx passes the client's address on.
   */
  GATEWAY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(12_000),
});
export type GatewaySettings = z.infer<typeof gatewaySettings>;

/** The services behind the gateway: `/api/<name>/…` reaches `<name>`'s `/…` (DESIGN.md 3.6). */
export const ROUTED_SERVICES = ['auth', 'orders', 'catalog', 'payments', 'notifications', 'bi'] as const;
export type RoutedService = (typeof ROUTED_SERVICES)[number];

export function upstreamOf(settings: GatewaySettings, service: RoutedService): string {
  return settings[`${service.toUpperCase()}_URL` as `${Uppercase<RoutedService>}_URL`];
}
