import { type ParseArgsConfig, parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError } from '../core/errors.ts';
import type { Output } from './output.ts';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** A comma-separated list flag (`--tables a,b`): absent or empty gives []. */
export const listFlagSchema = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  );

/** One verb of the `techmarket` command: its words, its flags (validated with zod) and its action. */
export interface Command<S extends z.ZodType = z.ZodType> {
  /** The words that select it, e.g. ['etl', 'run']. */
  words: readonly string[];
  summary: string;
  /** Flags as node:util parseArgs declares them; `--json` and `--help` are added for every command. */
  flags: OptionSpecs;
  /** Help lines describing each flag. */
  flagHelp?: readonly string[];
  /** Validates the parsed flags (names are the flag names, camel-cased by nothing: keep them as typed). */
  schema: S;
  run(flags: z.infer<S>, out: Output): Promise<number | undefined>;
}

export function defineCommand<S extends z.ZodType>(command: Command<S>): Command<S> {
  return command;
}

/** Parses argv for one command; every failure names the flag and what it accepts. */
export function parseFlags<S extends z.ZodType>(
  command: Command<S>,
  argv: readonly string[],
): z.infer<S> & { json: boolean } {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { ...command.flags, json: { type: 'boolean' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${command.words.join(' ')}: ${(error as Error).message.split('\n')[0]}`, {
      hint: `see: techmarket ${command.words.join(' ')} --help`,
    });
  }
  const { json, help: _help, ...rest } = values;
  const parsed = command.schema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path.length > 0 ? `--${String(issue.path[0])}` : 'arguments';
    throw new UsageError(`${command.words.join(' ')}: ${flag} ${issue.message}`, {
      hint: `see: techmarket ${command.words.join(' ')} --help`,
    });
  }
  return { ...(parsed.data as object), json: json === true } as z.infer<S> & { json: boolean };
}

export function commandHelp(command: Command): string {
  const lines = [`techmarket ${command.words.join(' ')} — ${command.summary}`];
  for (const line of command.flagHelp ?? []) lines.push(`  ${line}`);
  lines.push('  --json          machine-readable output');
  return lines.join('\n');
}
