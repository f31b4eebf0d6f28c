import type { SqlValue } from './tsv.ts';

/** Where a generator puts the rows of one table; the seed wires it to LOAD DATA, tests to memory. */
export interface RowSink {
  push(values: readonly SqlValue[]): void;
}

/** The tables one generator pass writes, and a way to let the writer catch up between batches. */
export interface GeneratorOutput<T extends string> {
  sinks: Record<T, RowSink>;
  /** Call every few hundred entities: flushes full buffers, waits when the server falls behind. */
  breathe(): Promise<void>;
}
