/**
 * Progress for long jobs: rows done, rows/s and, when the total is known, a bar and an ETA.
 * On a terminal one line is redrawn; elsewhere (CI, pipes) a line is printed every few seconds.
 */
export interface Progress {
  /** Adds rows done; cheap enough to call per batch. */
  add(rows: number): void;
  /** Changes the label of the current phase. */
  label(text: string): void;
  /** Prints the final line and returns the totals. */
  done(): { rows: number; seconds: number };
}

const REDRAW_INTERVAL_MS = 200;
const PLAIN_INTERVAL_MS = 5000;

export interface ProgressOptions {
  total?: number;
  /** Silence for --json and for tests. */
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
}

export function createProgress(initialLabel: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const started = performance.now();
  let rows = 0;
  let label = initialLabel;
  let lastDraw = 0;

  const render = (): string => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? rows / seconds : 0;
    const parts = [label];
    if (options.total) {
      const share = Math.min(1, rows / options.total);
      const width = 24;
      const filled = Math.round(share * width);
      parts.push(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0)}%`);
    }
    parts.push(`${formatCount(rows)} rows`, `${formatCount(rate)} rows/s`, `${seconds.toFixed(1)}s`);
    if (options.total && rate > 0 && rows < options.total) {
      parts.push(`eta ${((options.total - rows) / rate).toFixed(0)}s`);
    }
    return parts.join('  ');
  };

  const draw = (force = false) => {
    if (options.quiet) return;
    const now = performance.now();
    if (!force && now - lastDraw < (tty ? REDRAW_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
    lastDraw = now;
    stream.write(tty ? `\r\x1b[K${render()}` : `${render()}\n`);
  };

  return {
    add(n) {
      rows += n;
      draw();
    },
    label(text) {
      label = text;
      draw(true);
    },
    done() {
      const seconds = (performance.now() - started) / 1000;
      if (!options.quiet) stream.write(tty ? `\r\x1b[K${render()}\n` : `${render()}\n`);
      return { rows, seconds };
    },
  };
}

/**
 * Progress of a phase made of named steps that count no rows (the transform's merges and models):
 * on a terminal one line shows the step under way; elsewhere each step is one line, printed when it
 * starts, so a log file reads as the order in which they ran.
 */
export interface StepLog {
  step(name: string): void;
  /** Prints the phase's last line with its duration. */
  done(): void;
}

export function createStepLog(phase: string, options: Omit<ProgressOptions, 'total'> = {}): StepLog {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  let finished = false;
  return {
    step(name) {
      if (options.quiet || finished) return;
      stream.write(tty ? `\r\x1b[K${phase} ${name}  ${elapsed()}` : `${phase} ${name}\n`);
    },
    done() {
      if (options.quiet || finished) return;
      finished = true;
      stream.write(`${tty ? '\r\x1b[K' : ''}${phase} done  ${elapsed()}\n`);
    },
  };
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}
