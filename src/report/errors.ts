// Error codes of the report layer: merging shard reports, writing outputs.
export type ReportErrorCode = 'MERGE_MISMATCH' | 'MERGE_NOTHING' | 'MERGE_NOT_A_REPORT' | 'OUTPUT_WRITE_FAILED';

declare module '../errors.ts' {
  interface ErrorCodes {
    report: ReportErrorCode;
  }
}
