// Error codes of the shared helpers: strict JSON and PEM readers, the RE2 engine, archives.
export type UtilErrorCode =
  | 'JSON_INVALID'
  | 'JSON_DUPLICATE_KEY'
  | 'JSON_TOO_DEEP'
  | 'PEM_INVALID'
  | 'RE2_ENGINE'
  | 'RE2_SYNTAX'
  | 'RE2_UNSUPPORTED'
  | 'ARCHIVE_INVALID'
  | 'ARCHIVE_LINK_ESCAPES'
  | 'ARCHIVE_PATH_ESCAPES'
  | 'ARCHIVE_TOO_LARGE'
  | 'ARCHIVE_TOO_MANY_ENTRIES'
  | 'TAR_PATH_TOO_LONG';

declare module '../errors.ts' {
  interface ErrorCodes {
    util: UtilErrorCode;
  }
}
