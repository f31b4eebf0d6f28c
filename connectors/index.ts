export { LoadError, SourceError } from './errors.ts';
export {
  type ExtractRequest,
  type ExtractResult,
  extractRows,
  type KeysetCursor,
  readSourceClock,
} from './mysql/mysql-extractor.ts';
export { type CopyWriter, openCopy } from './postgres/postgres-copy-loader.ts';
