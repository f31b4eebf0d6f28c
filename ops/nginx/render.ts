import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '../../core/exec.ts';
import { REPO_ROOT } from '../../core/paths.ts';
import { ownedDir, systemUser } from '../infra/system-user.ts';

export const NGINX_BIN = '/usr/sbin/nginx';
const TEMPLATE = join(REPO_ROOT, 'ops/nginx/templates/techmarket.conf.template');

export interface NginxSite {
  /** host:port of the gateway nginx proxies to. */
  gatewayUpstream: string;
  httpsPort: number;
  httpPort: number;
  /** A directory of its own: config, certificate, pid, logs and temp files go under it. */
  home: string;
  /** The account worker processes run as (the master needs root for ports below 1024). */
  workerUser?: string;
}

/** A digest of the site template: a part started from an older one is restarted by `infra up`. */
export function templateDigest(): string {
  return createHash('sha256').update(readFileSync(TEMPLATE)).digest('hex').slice(0, 12);
}

/** Fills the template's ${NAME}s the way the nginx image's envsubst does; an unknown one is an error. */
export function renderTemplate(values: Record<string, string>): string {
  return readFileSync(TEMPLATE, 'utf8').replace(/\$\{([A-Z_]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`nginx template: no value for \${${name}}`);
    return value;
  });
}

/**
 * A self-signed certificate for localhost and 127.0.0.1, made once (a browser or curl is told to
 * trust it, or not to verify): P-256, valid 825 days, the longest clients accept.
 */
export async function ensureCertificate(certDir: string): Promise<void> {
  mkdirSync(certDir, { recursive: true, mode: 0o700 });
  if (existsSync(join(certDir, 'tls.crt')) && existsSync(join(certDir, 'tls.key'))) return;
  await exec('openssl', [
    'req',
    '-x509',
    '-nodes',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-days',
    '825',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    join(certDir, 'tls.key'),
    '-out',
    join(certDir, 'tls.crt'),
  ]);
}

/** Writes the main config (process settings, then the shared template) and returns its path. */
export async function writeNginxConfig(site: NginxSite): Promise<string> {
  const certDir = join(site.home, 'certs');
  const temp = join(site.home, 'tmp');
  mkdirSync(join(site.home, 'logs'), { recursive: true });
  // Workers buffer large bodies here, so their account must own it.
  if (site.workerUser) ownedDir(temp, await systemUser(site.workerUser));
  else mkdirSync(temp, { recursive: true });
  await ensureCertificate(certDir);
  writeFileSync(
    join(site.home, 'techmarket.conf'),
    renderTemplate({
      GATEWAY_UPSTREAM: site.gatewayUpstream,
      NGINX_HTTPS_PORT: String(site.httpsPort),
      NGINX_HTTP_PORT: String(site.httpPort),
      NGINX_CERT_DIR: certDir,
      NGINX_ACCESS_LOG: join(site.home, 'logs/access.log'),
    }),
  );
  const main = join(site.home, 'nginx.conf');
  writeFileSync(
    main,
    [
      '# Written by ops/nginx/render.ts: process settings; the site is the shared template.',
      ...(site.workerUser ? [`user ${site.workerUser};`] : []),
      'worker_processes auto;',
      `pid ${join(site.home, 'nginx.pid')};`,
      `error_log ${join(site.home, 'logs/error.log')} warn;`,
      'events { worker_connections 4096; }',
      'http {',
      `  client_body_temp_path ${temp}/body;`,
      `  proxy_temp_path ${temp}/proxy;`,
      `  fastcgi_temp_path ${temp}/fastcgi;`,
      `  uwsgi_temp_path ${temp}/uwsgi;`,
      `  scgi_temp_path ${temp}/scgi;`,
      '  default_type application/octet-stream;',
      `  include ${join(site.home, 'techmarket.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  await exec(NGINX_BIN, ['-t', '-q', '-c', main]);
  return main;
}
