import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.ts';
import { driveTraffic, type TrafficResult } from '../../demo/traffic/drive.ts';
import { NGINX_CERTIFICATE } from '../../ops/infra/parts/nginx.ts';
import type { TrafficFlags } from '../commands/traffic.ts';
import type { Output } from '../output.ts';

const ADMIN_PASSWORD_ENV = 'TECHMARKET_ADMIN_PASSWORD';

/** The certificate to trust for https: --ca, else the self-signed one nginx's infra part made. */
function trustedCertificate(baseUrl: string, file: string | undefined): Buffer | undefined {
  if (!baseUrl.startsWith('https:')) return undefined;
  const path = file ?? NGINX_CERTIFICATE;
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`traffic: --ca ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, {
      hint: 'run `techmarket infra up` (it makes nginx’s certificate) or give --ca with the PEM to trust',
    });
  }
}

function adminLogin(email: string | undefined): { email: string; password: string } | undefined {
  if (email === undefined) return undefined;
  const password = process.env[ADMIN_PASSWORD_ENV];
  if (!password)
    throw new UsageError(`traffic: --admin-email ${email} needs ${ADMIN_PASSWORD_ENV} set`, {
      hint: 'the first admin is made by `techmarket services admin create`',
    });
  return { email, password };
}

export async function traffic(flags: TrafficFlags, out: Output): Promise<number> {
  const baseUrl = flags['base-url'] ?? 'https://127.0.0.1';
  const admin = adminLogin(flags['admin-email']);
  const ca = trustedCertificate(baseUrl, flags.ca);
  const result = await driveTraffic({
    baseUrl,
    customers: flags.customers,
    minutes: flags.minutes,
    ...(ca ? { ca } : {}),
    ...(admin ? { admin } : {}),
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
    `paid ${r.paidOrders.length}, declined ${r.declined}, refunded ${r.refunded} (in part ${r.partiallyRefunded}), discounted ${r.discounted}, reassigned ${r.reassigned}, in ${r.seconds}s`,
    ...(r.firstError ? [`first error: ${r.firstError}`] : []),
  ].join('\n');
}
