// Error codes of the faces: commands and their usage, the runners' report directories.
export type FaceErrorCode =
  | 'UNKNOWN_COMMAND'
  | 'POLICY_BUILD_USAGE'
  | 'POLICY_TEST_USAGE'
  | 'MERGE_UNREADABLE'
  | 'REPORTS_DIR_UNUSABLE'
  // the Tekton step's params
  | 'INVALID_PARAM'
  | 'SNAPSHOT_CLUSTER_REFERENCE'
  | 'POD_LABELS_MISSING'
  | 'POD_LABELS_INVALID'
  | 'SINGLE_COMPONENT_RESOURCE'
  | 'SINGLE_COMPONENT_NOT_FOUND'
  | 'TUF_ROOT_UNTRUSTED'
  | 'TUF_ROOT_FETCH'
  | 'VSA_SIGNING_KEY_PARAM';

declare module '../errors.ts' {
  interface ErrorCodes {
    faces: FaceErrorCode;
  }
}
