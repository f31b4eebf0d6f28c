import { config } from '../core/config.ts';
import { describeError, TechmarketError, UsageError } from '../core/errors.ts';
import { startLogShipping, stopLogShipping } from '../core/log-shipping.ts';
import { logger } from '../core/logger.ts';
import { redactText } from '../core/redact.ts';
import { type Command, commandHelp, parseFlags } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { createOutput } from './output.ts';
import { explainUnmigrated } from './unmigrated-warehouse.ts';
import { explainUnreachable } from './unreachable-server.ts';

function findCommand(argv: readonly string[]): Command | undefined {
  return [...COMMANDS]
    .sort((a, b) => b.words.length - a.words.length)
    .find((c) => c.words.every((w, i) => argv[i] === w));
}

function overview(): string {
  const lines = ['usage: techmarket <command> [flags]   (add --help to any command)', ''];
  const width = Math.max(...COMMANDS.map((c) => c.words.join(' ').length));
  for (const c of COMMANDS) lines.push(`  ${c.words.join(' ').padEnd(width)}  ${c.summary}`);
  return lines.join('\n');
}

/** A connection error explained by the settings that point at the server, when they can be read. */
function explainUnreachableSafely(error: unknown): Error | undefined {
  try {
    return explainUnreachable(error, config());
  } catch {
    return undefined;
  }
}

/** Runs one CLI invocation and returns the exit code (never throws). */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    process.stdout.write(`${overview()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const command = findCommand(argv);
  const json = argv.includes('--json');
  try {
    if (!command) {
      throw new UsageError(`unknown command: ${argv.filter((a) => !a.startsWith('-')).join(' ')}`, {
        hint: "run 'techmarket --help' for the list of commands",
      });
    }
    const rest = argv.slice(command.words.length);
    if (rest.includes('--help')) {
      process.stdout.write(`${commandHelp(command)}\n`);
      return 0;
    }
    const flags = parseFlags(command, rest);
    const settings = config(); // a bad setting stops every command before it does anything
    startLogShipping(settings);
    return (await command.run(flags, createOutput(flags.json))) ?? 0;
  } catch (caught) {
    const error = explainUnreachableSafely(caught) ?? explainUnmigrated(caught) ?? caught;
    const message = redactText(describeError(error));
    if (json) {
      process.stdout.write(`${JSON.stringify({ error: message, kind: (error as Error).name })}\n`);
    } else {
      process.stderr.write(`techmarket: ${message}\n`);
    }
    if (!(error instanceof TechmarketError)) logger.debug({ err: error }, 'unexpected error');
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await stopLogShipping();
  }
}
