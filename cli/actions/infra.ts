import { config } from '../../core/config.ts';
import { LOG_DIR } from '../../core/paths.ts';
import { infraDown, infraStatus, infraUp, selectParts } from '../../ops/infra/infra.ts';
import type { InfraContext } from '../../ops/infra/part.ts';
import { INFRA_PARTS } from '../../ops/infra/parts/index.ts';
import type { InfraPartsFlags } from '../commands/infra.ts';
import type { Output } from '../output.ts';

function context(out: Output): InfraContext {
  return { config: config(), log: (line) => (out.json ? process.stderr.write(`${line}\n`) : out.line(line)) };
}

export async function startParts(flags: InfraPartsFlags, out: Output): Promise<number> {
  const started = performance.now();
  const outcomes = await infraUp(selectParts(INFRA_PARTS, flags.parts), context(out));
  const seconds = (performance.now() - started) / 1000;
  out.result(
    { parts: outcomes, seconds },
    () => `infrastructure up in ${seconds.toFixed(1)}s (logs: ${LOG_DIR})`,
  );
  return 0;
}

export async function stopParts(flags: InfraPartsFlags, out: Output): Promise<number> {
  const outcomes = await infraDown(
    selectParts(INFRA_PARTS, flags.parts, { withDependencies: false }),
    context(out),
  );
  out.result({ parts: outcomes });
  return 0;
}

export async function showPartStatus(flags: InfraPartsFlags, out: Output): Promise<number> {
  const statuses = await infraStatus(
    selectParts(INFRA_PARTS, flags.parts, { withDependencies: false }),
    context(out),
  );
  out.result({ parts: statuses, logs: LOG_DIR }, () => `${out.table(statuses)}\nlogs: ${LOG_DIR}`);
  return statuses.every((s) => s.state === 'running' || s.state === 'external') ? 0 : 1;
}
