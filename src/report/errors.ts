// Error codes of the report layer: merging shard reports, writing outputs.
export type ReportErrorCode =
  | 'MERGE_MISMATCH'
  | 'MERGE_NOTHING'
  | 'MERGE_NOT_A_REPORT'
  | 'MERGE_NOT_A_SHARD'
  | 'MERGE_FOREIGN_SHARD'
  | 'MERGE_DUPLICATE_SHARD'
  | 'MERGE_MISSING_SHARD'
  | 'OUTPUT_WRITE_FAILED';

declare module '../errors.ts' {
  interface ErrorCodes {
    report: ReportErrorCode;
  }
}
