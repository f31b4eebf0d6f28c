import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { exec } from '../../core/exec.ts';
import { REPO_ROOT } from '../../core/paths.ts';

const PROMETHEUS_DIR = join(REPO_ROOT, 'ops/prometheus');
const RULES = join(PROMETHEUS_DIR, 'rules/techmarket.rules.yml');
const RULE_TESTS = join(PROMETHEUS_DIR, 'rules-tests/techmarket.test.yml');

const rulesSchema = z.object({
  groups: z.array(z.object({ rules: z.array(z.object({ alert: z.string(), for: z.string() })) })),
});
const ruleTestsSchema = z.object({
  tests: z.array(
    z.object({
      alert_rule_test: z.array(z.object({ alertname: z.string(), exp_alerts: z.array(z.unknown()) })),
    }),
  ),
});

/** promtool ships with Debian's prometheus package, which the prometheus infra part installs. */
const promtool = (args: string[]) => exec('promtool', args, { allowFailure: true, cwd: PROMETHEUS_DIR });

describe('alert rules (promtool)', () => {
  it('pass promtool check rules and check config (the native and the docker-compose one)', async () => {
    const rules = await promtool(['check', 'rules', RULES]);
    expect(rules.stdout + rules.stderr).toContain('SUCCESS: 10 rules found');
    expect(rules.code).toBe(0);
    for (const config of ['prometheus.yml', 'prometheus.docker.yml']) {
      const checked = await promtool(['check', 'config', '--syntax-only', join(PROMETHEUS_DIR, config)]);
      expect(checked.stdout + checked.stderr, config).toContain('SUCCESS');
      expect(checked.code, config).toBe(0);
    }
  });

  it('pass their unit tests (promtool test rules)', async () => {
    const tested = await promtool(['test', 'rules', RULE_TESTS]);
    expect(tested.stdout + tested.stderr).toContain('SUCCESS');
    expect(tested.code).toBe(0);
  });

  it('each have a unit test in which they fire', () => {
    const alerts = rulesSchema
      .parse(parse(readFileSync(RULES, 'utf8')))
      .groups.flatMap((g) => g.rules.map((r) => r.alert));
    const fired = new Set(
      ruleTestsSchema
        .parse(parse(readFileSync(RULE_TESTS, 'utf8')))
        .tests.flatMap((t) =>
          t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
        ),
    );
    expect(alerts.filter((alert) => !fired.has(alert))).toEqual([]);
    expect(alerts.length).toBe(10);
  });

  it('a rule that does not parse is refused by promtool check rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const broken = join(dir, 'broken.rules.yml');
    writeFileSync(broken, 'groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: up ==\n');
    try {
      const checked = await promtool(['check', 'rules', broken]);
      expect(checked.code).not.toBe(0);
      expect(checked.stdout + checked.stderr).toContain('parse error');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
