import { type ParseArgsConfig, parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError } from '../core/errors.ts';
import type { Output } from './output.ts';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/**
 * One flag, declared once: the parser's option, the validation and the help line are all derived
 * from it. `arg` names the value in the help (`--scale N`); a boolean flag has none.
 */
export interface Flag<S extends z.ZodType = z.ZodType> {
  type: 'string' | 'boolean';
  arg?: string;
  help: string;
  schema: S;
}

export type Flags = Record<string, Flag>;

/** The validated values of a command's flags, keyed by the flag names as typed. */
export type FlagValues<F extends Flags> = { [K in keyof F]: z.infer<F[K]['schema']> };

/** A flag that takes a value (`--scale 1`); its schema receives the string (or undefined). */
export function valueFlag<S extends z.ZodType>(arg: string, help: string, schema: S): Flag<S> {
  return { type: 'string', arg, help, schema };
}

/** A switch (`--local`): absent is undefined unless the schema gives a default. */
export function switchFlag(help: string): Flag<z.ZodOptional<z.ZodBoolean>>;
export function switchFlag<S extends z.ZodType>(help: string, schema: S): Flag<S>;
export function switchFlag(help: string, schema: z.ZodType = z.boolean().optional()): Flag {
  return { type: 'boolean', help, schema };
}

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

/** A check across flags: when `holds` is false, the error names `flag`. */
export interface FlagCheck<V> {
  holds(values: V): boolean;
  flag: string;
  message: string;
}

/** One verb of the `techmarket` command: its words, its flags (each declared once) and its action. */
export interface Command<F extends Flags = Flags> {
  /** The words that select it, e.g. ['etl', 'run']. */
  words: readonly string[];
  summary: string;
  /** `--json` and `--help` are added for every command. */
  flags: F;
  /** Checks across flags, run after each flag's own validation. */
  checks?: readonly FlagCheck<FlagValues<F>>[];
  /** Help lines after the flags'. */
  notes?: readonly string[];
  run(flags: FlagValues<F>, out: Output): Promise<number | undefined>;
}

export function defineCommand<F extends Flags>(command: Command<F>): Command<F> {
  return command;
}

/**
 * parseArgs reads a value that starts with a dash (`--scale -1`) as another option and answers
 * "argument is ambiguous": a negative number after a flag that takes a value is joined to it
 * (`--scale=-1`), so the flag's own validation names what is wrong.
 */
function joinNegativeValues(command: Command, argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const next = argv[i + 1];
    const flag = word.startsWith('--') ? command.flags[word.slice(2)] : undefined;
    if (flag?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${word}=${next}`);
      i++;
    } else {
      out.push(word);
    }
  }
  return out;
}

/** Parses argv for one command; every failure names the flag and what it accepts. */
export function parseFlags<F extends Flags>(
  command: Command<F>,
  argv: readonly string[],
): FlagValues<F> & { json: boolean } {
  const name = command.words.join(' ');
  const fail = (message: string) =>
    new UsageError(`${name}: ${message}`, { hint: `see: techmarket ${name} --help` });
  const options: OptionSpecs = { json: { type: 'boolean' }, help: { type: 'boolean' } };
  for (const [flag, { type }] of Object.entries(command.flags)) options[flag] = { type };
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(command as unknown as Command, argv),
      options,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw fail((error as Error).message.split('\n')[0]!);
  }
  const { json, help: _help, ...rest } = values;
  const shape = Object.fromEntries(Object.entries(command.flags).map(([flag, f]) => [flag, f.schema]));
  const parsed = z.object(shape).safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path.length > 0 ? `--${String(issue.path[0])}` : 'arguments';
    throw fail(`${flag} ${issue.message}`);
  }
  const flags = parsed.data as FlagValues<F>;
  for (const check of command.checks ?? []) {
    if (!check.holds(flags)) throw fail(`--${check.flag} ${check.message}`);
  }
  return { ...flags, json: json === true };
}

const HELP_COLUMN = 16;

export function commandHelp(command: Command): string {
  const lines = [`techmarket ${command.words.join(' ')} — ${command.summary}`];
  const line = (left: string, help: string) =>
    lines.push(`  ${left.length < HELP_COLUMN ? left.padEnd(HELP_COLUMN) : `${left}  `}${help}`);
  for (const [flag, { arg, help }] of Object.entries(command.flags)) {
    line(arg ? `--${flag} ${arg}` : `--${flag}`, help);
  }
  for (const note of command.notes ?? []) lines.push(`  ${note}`);
  line('--json', 'machine-readable output');
  return lines.join('\n');
}
