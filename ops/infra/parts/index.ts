import type { InfraPart } from '../part.ts';
import { kafkaPart } from './kafka.ts';
import { kafkaConnectPart } from './kafka-connect.ts';
import { mariadbPart } from './mariadb.ts';
import { nginxPart } from './nginx.ts';
import { opensearchPart } from './opensearch.ts';
import { postgresPart } from './postgres.ts';
import { prometheusPart } from './prometheus.ts';
import { pushgatewayPart } from './pushgateway.ts';
import { temporalPart } from './temporal.ts';
import { toxiproxyPart } from './toxiproxy.ts';

/** Every part of the local infrastructure, in start order (dependencies first). */
export const INFRA_PARTS: readonly InfraPart[] = [
  postgresPart,
  mariadbPart,
  temporalPart,
  kafkaPart,
  kafkaConnectPart,
  pushgatewayPart,
  prometheusPart,
  nginxPart,
  opensearchPart,
  toxiproxyPart,
];
