/**
 * The names of `parts/index.ts`'s parts, in the same order. Kept apart from the parts so the CLI can
 * name them in `--help` without loading every part and its client library (pg, kafkajs);
 * `tests/cli/startup-imports.test.ts` checks that the two lists agree.
 */
export const INFRA_PART_NAMES = [
  'postgres',
  'mariadb',
  'temporal',
  'kafka',
  'kafka-connect',
  'pushgateway',
  'prometheus',
  'nginx',
  'opensearch',
  'toxiproxy',
];
