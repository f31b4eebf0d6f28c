import { driveTraffic, type TrafficResult } from '../../demo/traffic/drive.ts';
import type { TrafficFlags } from '../commands/traffic.ts';
import type { Output } from '../output.ts';

export async function traffic(flags: TrafficFlags, out: Output): Promise<number> {
  const baseUrl = flags['base-url'] ?? 'https://127.0.0.1';
  // nginx on this machine has a self-signed certificate; the URL is loopback-only (checked), so
  // not verifying it exposes nothing.
  if (baseUrl.startsWith('https:')) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const result = await driveTraffic({
    baseUrl,
    customers: flags.customers,
    minutes: flags.minutes,
    progress: (so) => {
      const rate = so.seconds > 0 ? (so.requests / so.seconds).toFixed(1) : '0';
      process.stderr.write(
        `journeys ${so.journeys}  requests ${so.requests}  ${rate} req/s  errors ${so.errors}\n`,
      );
    },
  });
  out.result(result, () => describe(result));
  return result.errors > 0 ? 1 : 0;
}

function describe(r: TrafficResult): string {
  const rate = r.seconds > 0 ? (r.requests / r.seconds).toFixed(1) : '0';
  return [
    `journeys ${r.journeys}, requests ${r.requests} (${rate} req/s), errors ${r.errors}`,
    `paid ${r.paidOrders.length}, declined ${r.declined}, refunded ${r.refunded}, in ${r.seconds}s`,
    ...(r.firstError ? [`first error: ${r.firstError}`] : []),
  ].join('\n');
}
