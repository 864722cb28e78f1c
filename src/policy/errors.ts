// Error codes of the policy layer: sources and their download, bundles, opa compilation, rule
// metadata and results, evaluation workers.
export type PolicyErrorCode =
  // configuration and sources
  | 'POLICY_CONFIG_NOT_FOUND'
  | 'POLICY_CLUSTER_REFERENCE'
  | 'POLICY_EMPTY'
  | 'POLICY_SOURCE_NOT_FOUND'
  | 'REMOTE_POLICY_LOCAL_SOURCE'
  | 'UNKNOWN_SOURCE_TYPE'
  | 'INSECURE_SOURCE'
  | 'SOURCE_URL_INVALID'
  | 'SOURCE_TOO_LARGE'
  | 'SOURCE_DOWNLOAD_FAILED'
  | 'SOURCE_DOWNLOAD_TIMEOUT'
  | 'GIT_FAILED'
  | 'GIT_REF_INVALID'
  | 'GIT_DEPTH_INVALID'
  | 'GIT_QUERY_INVALID'
  | 'GIT_SUBDIR_INVALID'
  | 'GIT_TRANSPORT_REFUSED'
  | 'DATA_MERGE_CONFLICT'
  | 'DATA_SHAPE'
  | 'DATA_SYNTAX'
  // bundles and compilation
  | 'POLICY_BUILD_SOURCES'
  | 'POLICY_BUNDLE_INVALID'
  | 'POLICY_BUNDLE_MIXED'
  | 'POLICY_BUNDLE_VERSION'
  | 'POLICY_CAPABILITY'
  | 'POLICY_COMPILE'
  | 'POLICY_NO_RULES'
  | 'OPA_NOT_FOUND'
  | 'OPA_BUILD_OUTPUT'
  | 'WASM_BUILTIN_MISSING'
  | 'WASM_JSON_IS_VALID_PATCH'
  // rules and evaluation
  | 'REGO_METADATA_INVALID'
  | 'DUPLICATE_RULE_CODE'
  | 'RULE_RESULT_NO_MSG'
  | 'RULE_RESULT_UNSUPPORTED'
  | 'UNSUPPORTED_RULE_VALUE'
  | 'POLICY_EVALUATION'
  | 'POLICY_NO_RESULTS'
  | 'POLICY_NOT_LOADED'
  | 'POLICY_CLOSED'
  | 'POLICY_WORKER_FAILED'
  | 'POLICY_WORKER_BUG'
  | 'ABORTED';

declare module '../errors.ts' {
  interface ErrorCodes {
    policy: PolicyErrorCode;
  }
}
