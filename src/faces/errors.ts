// Error codes of the faces: commands and their usage, the runners' report directories.
export type FaceErrorCode = 'UNKNOWN_COMMAND' | 'POLICY_BUILD_USAGE' | 'MERGE_UNREADABLE' | 'REPORTS_DIR_UNUSABLE';

declare module '../errors.ts' {
  interface ErrorCodes {
    faces: FaceErrorCode;
  }
}
