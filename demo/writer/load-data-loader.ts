import { PassThrough } from 'node:stream';
import type { PoolConnection, ResultSetHeader } from 'mysql2';
import { TechmarketError } from '../../core/errors.ts';
import { formatRow, type SqlValue } from './tsv.ts';

/** Text buffered before it goes to the server: big enough to amortise, well under a 16 MB packet. */
const CHUNK_BYTES = 512 * 1024;
/** Rows per LOAD DATA statement: bounds one transaction's undo log and binlog cache. */
const DEFAULT_ROWS_PER_STATEMENT = 500_000;

export interface LoadTarget {
  table: string;
  /** Column order of the generated rows. */
  columns: readonly string[];
}

/**
 * Streams generated rows into one table with LOAD DATA LOCAL INFILE over a dedicated connection.
 * Rows are pushed synchronously and buffered; `flush` hands the buffer to the server and waits for it
 * when it falls behind. A statement that loaded fewer rows than were sent, or raised warnings, is an
 * error: LOAD DATA LOCAL would otherwise skip duplicate keys and bad values silently.
 */
export class LoadDataLoader {
  private buffered = '';
  private stream: PassThrough | undefined;
  private statement: Promise<ResultSetHeader> | undefined;
  private statementError: Error | undefined;
  private rowsInStatement = 0;
  private rowsSentInStatement = 0;
  private loadedRows = 0;

  constructor(
    private readonly connection: PoolConnection,
    private readonly target: LoadTarget,
    /** Told how many rows each flush sent, for progress. */
    private readonly onSent: (rows: number) => void = () => undefined,
    private readonly rowsPerStatement = DEFAULT_ROWS_PER_STATEMENT,
  ) {}

  get table(): string {
    return this.target.table;
  }

  /** Rows the server has confirmed. */
  get rows(): number {
    return this.loadedRows;
  }

  push(values: readonly SqlValue[]): void {
    this.buffered += formatRow(values);
    this.rowsInStatement++;
  }

  get wantsFlush(): boolean {
    return this.buffered.length >= CHUNK_BYTES || this.rowsInStatement >= this.rowsPerStatement;
  }

  /** Sends what is buffered; ends the statement when it is full. */
  async flush(): Promise<void> {
    if (this.buffered.length > 0) {
      const stream = this.openStatement();
      const chunk = Buffer.from(this.buffered, 'utf8');
      this.buffered = '';
      this.onSent(this.rowsInStatement - this.rowsSentInStatement);
      this.rowsSentInStatement = this.rowsInStatement;
      if (!stream.write(chunk)) await this.waitForDrain(stream);
    }
    if (this.rowsInStatement >= this.rowsPerStatement) await this.closeStatement();
  }

  /** Sends the rest and waits until the server has every row; returns the rows loaded. */
  async finish(): Promise<number> {
    await this.flush();
    await this.closeStatement();
    return this.loadedRows;
  }

  private openStatement(): PassThrough {
    if (this.stream) return this.stream;
    const stream = new PassThrough({ highWaterMark: 4 * CHUNK_BYTES });
    const columns = this.target.columns.map((c) => `\`${c}\``).join(', ');
    const sql =
      `LOAD DATA LOCAL INFILE 'generated' INTO TABLE \`${this.target.table}\` CHARACTER SET utf8mb4 ` +
      `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${columns})`;
    this.stream = stream;
    this.statementError = undefined;
    this.statement = new Promise<ResultSetHeader>((resolve, reject) => {
      this.connection.query<ResultSetHeader>({ sql, infileStreamFactory: () => stream }, (error, result) => {
        if (error) {
          this.statementError = error;
          stream.emit('drain'); // wake a writer waiting for a server that has stopped reading
          reject(error);
        } else resolve(result);
      });
    });
    // A failure is reported by closeStatement; keep it from surfacing as unhandled meanwhile.
    this.statement.catch(() => undefined);
    return stream;
  }

  private async waitForDrain(stream: PassThrough): Promise<void> {
    await new Promise<void>((resolve) => stream.once('drain', resolve));
    if (this.statementError) throw this.wrap(this.statementError);
  }

  private async closeStatement(): Promise<void> {
    const stream = this.stream;
    const statement = this.statement;
    if (!stream || !statement) return;
    this.stream = undefined;
    this.statement = undefined;
    stream.end();
    let result: ResultSetHeader;
    try {
      result = await statement;
    } catch (error) {
      throw this.wrap(error as Error);
    }
    const expected = this.rowsSentInStatement;
    if (result.affectedRows !== expected || result.warningStatus > 0) {
      const warnings = await this.firstWarnings();
      throw new TechmarketError(
        `loading ${this.target.table}: ${result.affectedRows} of ${expected} rows stored, ${result.warningStatus} warnings${warnings}`,
        { hint: 'the generated rows do not fit the table: check the migrations against the generator' },
      );
    }
    this.loadedRows += expected;
    this.rowsInStatement = 0;
    this.rowsSentInStatement = 0;
  }

  private async firstWarnings(): Promise<string> {
    const rows = await new Promise<{ Message: string }[]>((resolve) => {
      this.connection.query('SHOW WARNINGS LIMIT 3', (error, result) =>
        resolve(error ? [] : (result as { Message: string }[])),
      );
    });
    return rows.length > 0 ? ` (${rows.map((r) => r.Message).join('; ')})` : '';
  }

  private wrap(error: Error): TechmarketError {
    return new TechmarketError(`loading ${this.target.table} failed: ${error.message}`, { cause: error });
  }
}
