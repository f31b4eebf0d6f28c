import type { InfraPart } from '../part.ts';
import { mariadbPart } from './mariadb.ts';
import { postgresPart } from './postgres.ts';

/** Every part of the local infrastructure, in start order (dependencies first). */
export const INFRA_PARTS: readonly InfraPart[] = [postgresPart, mariadbPart];
