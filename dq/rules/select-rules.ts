import { DqError } from '../dq-errors.ts';
import type { DqRule } from './rule-schema.ts';

/** The named rules (all when `names` is empty); an unknown name is refused with the known ones. */
export function selectRules(all: readonly DqRule[], names: readonly string[] = []): DqRule[] {
  if (names.length === 0) return [...all];
  const byName = new Map(all.map((rule) => [rule.name, rule]));
  const unknown = names.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new DqError(`unknown data-quality rule ${unknown.join(', ')}`, {
      hint: `declared rules: ${[...byName.keys()].join(', ')}`,
    });
  }
  return names.map((name) => byName.get(name)!);
}
